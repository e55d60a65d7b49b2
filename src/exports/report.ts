/** A plain report: headings, paragraphs, lists and tables. Writers turn it into DOCX or PDF. */
export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; caption?: string; head: string[]; rows: (string | number)[][] };

export interface ReportDoc {
  title: string;
  subtitle?: string;
  blocks: Block[];
}
