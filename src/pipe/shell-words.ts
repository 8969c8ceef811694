// Splits a command line (`--into "node dist/materialize-postgres/main.js"`) into argv the way a
// POSIX shell splits words: whitespace separates, single quotes keep everything, double quotes keep
// everything but `\"`, `\\`, `\$` and `` \` ``, a backslash outside quotes escapes the next
// character. No expansion of any kind: the command is run without a shell.
import { ConnectorError } from '../errors.js';

export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw unterminated(line);
      word += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (ch === '"') {
      inWord = true;
      for (i++; ; i++) {
        if (i >= line.length) throw unterminated(line);
        const c = line[i]!;
        if (c === '"') break;
        if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) word += line[++i];
        else word += c;
      }
    } else if (ch === '\\') {
      if (i + 1 < line.length) word += line[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

function unterminated(line: string): ConnectorError {
  return new ConnectorError('BAD_CONFIG', `the command ${JSON.stringify(line)} has an unterminated quote`);
}
