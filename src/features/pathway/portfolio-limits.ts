/**
 * Bounds on a portfolio file, checked on the raw JSON before anything is
 * decoded or stored: a file within the size limit can still carry more items
 * or attachment bytes than any real portfolio, and each of them costs work.
 */
export const PORTFOLIO_LIMITS: Record<
  'evidence' | 'links' | 'attachments' | 'selfAssessments' | 'goals' | 'actions' | 'attachmentBytes',
  number
> = {
  evidence: 2_000,
  links: 20_000,
  attachments: 1_000,
  selfAssessments: 50_000,
  goals: 1_000,
  actions: 10_000,
  /** All attachments together, decoded. */
  attachmentBytes: 50 * 1024 * 1024,
};

/** The bytes a base64 string decodes to, without decoding it. */
export function decodedSize(base64: string): number {
  const clean = base64.replace(/\s+/g, '');
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((clean.length * 3) / 4) - padding);
}

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const field = (v: unknown, k: string): unknown =>
  v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;

/**
 * The first limit a portfolio file breaks, in words, or null. `attachmentMaxBytes`
 * is the size one attachment may have (ATTACHMENT_MAX_MB), as for an upload.
 */
export function portfolioLimitProblem(
  raw: unknown,
  attachmentMaxBytes: number,
  limits = PORTFOLIO_LIMITS,
): string | null {
  const evidence = list(field(raw, 'evidence'));
  const count = (what: string, n: number, max: number) =>
    n > max
      ? `This portfolio has ${n.toLocaleString('en-GB')} ${what}; Waymark imports at most ${max.toLocaleString('en-GB')}. Split it, or ask an administrator for help`
      : null;
  const links = evidence.reduce<number>((n, e) => n + list(field(e, 'links')).length, 0);
  const attachments = evidence.flatMap((e) => list(field(e, 'attachments')));
  const goals = list(field(raw, 'plan'));
  const actions = goals.reduce<number>((n, g) => n + list(field(g, 'actions')).length, 0);
  const problem =
    count('pieces of evidence', evidence.length, limits.evidence) ??
    count('links to statements', links, limits.links) ??
    count('attachments', attachments.length, limits.attachments) ??
    count('self-assessment answers', list(field(raw, 'selfAssessments')).length, limits.selfAssessments) ??
    count('goals', goals.length, limits.goals) ??
    count('plan actions', actions, limits.actions);
  if (problem) return problem;
  let total = 0;
  for (const a of attachments) {
    const b64 = field(a, 'base64');
    const size = typeof b64 === 'string' ? decodedSize(b64) : 0;
    const name = String(field(a, 'filename') ?? 'An attachment');
    if (size > attachmentMaxBytes)
      return `“${name}” is ${megabytes(size)}: each attachment can be at most ${megabytes(attachmentMaxBytes)}. Take it out of the file, or make it smaller, then import again`;
    total += size;
  }
  if (total > limits.attachmentBytes)
    return `The attachments in this portfolio come to ${megabytes(total)}; Waymark imports at most ${megabytes(limits.attachmentBytes)} of attachments at a time`;
  return null;
}
