import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

/**
 * Links built from a token inside the text of a `….send(db, { text })` call
 * that are not wrapped in `secretLink(…)`, as "file:line: link".
 */
function unmarkedTokenLinks(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const inText = (node: ts.Node): void => {
    if (ts.isTemplateExpression(node) && node.templateSpans.some((s) => /token/i.test(s.expression.getText(source)))) {
      const parent = node.parent;
      const marked = ts.isCallExpression(parent) && parent.expression.getText(source) === 'secretLink';
      if (!marked)
        found.push(
          `${path.relative(SRC, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.getText(source)}`,
        );
    }
    ts.forEachChild(node, inText);
  };
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'send'
    ) {
      for (const arg of node.arguments) {
        if (!ts.isObjectLiteralExpression(arg)) continue;
        for (const prop of arg.properties)
          if (ts.isPropertyAssignment(prop) && prop.name.getText(source) === 'text') inText(prop.initializer);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('emails mark their secret links', () => {
  it('wraps every link built from a token in secretLink, not relying on the token-shaped fallback', () => {
    const files = sourceFiles(path.join(SRC, 'features'));
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap(unmarkedTokenLinks)).toEqual([]);
  });
});
