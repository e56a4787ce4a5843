import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';

/** A problem in a module file, with where to look. */
export interface FileProblem {
  /** Path relative to the modules folder, e.g. `awareness/1.0.0/en/check.yaml`. */
  file: string;
  line?: number;
  message: string;
}

export interface ParsedYaml {
  value: unknown;
  /** The line (1-based) of the value at a path inside the document, for error messages. */
  lineOf(path: ReadonlyArray<string | number | symbol>): number | undefined;
}

/**
 * Parses YAML keeping positions, so a schema error can name the line it is about. `firstLine`
 * shifts the lines when the YAML is a Markdown file's front matter.
 */
export function parseYaml(text: string, file: string, firstLine = 1): ParsedYaml | FileProblem {
  const lineCounter = new LineCounter();
  const document: Document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const error = document.errors[0];
  if (error) {
    const line = lineCounter.linePos(error.pos[0]).line;
    return { file, line: line + firstLine - 1, message: error.message.split('\n')[0]! };
  }
  return {
    value: document.toJS({ maxAliasCount: 50 }),
    lineOf(path) {
      // The deepest node along the path that exists: an error about a missing key points at its parent.
      for (let depth = path.length; depth >= 0; depth -= 1) {
        const node = document.getIn(path.slice(0, depth) as unknown[], true) as { range?: [number, number, number] } | undefined;
        const range = node && (isMap(node) || isSeq(node) || 'range' in node) ? node.range : undefined;
        if (range) return lineCounter.linePos(range[0]).line + firstLine - 1;
      }
      return undefined;
    },
  };
}

export function isProblem(value: ParsedYaml | FileProblem): value is FileProblem {
  return 'message' in value;
}
