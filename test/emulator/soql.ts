/*
 * A small SOQL engine: enough of SELECT for what sf, @salesforce/core and this plugin send.
 * SELECT fields | COUNT() FROM object [WHERE ...] [ORDER BY ...] [LIMIT n] [OFFSET n], with relationship fields
 * (Profile.Name), =, !=, <>, <, <=, >, >=, [NOT] IN (...), LIKE, AND, OR, NOT and parentheses.
 * Errors carry Salesforce's error codes and message shapes (MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE).
 */

export type Row = Record<string, unknown>;

export type SObjectSchema = {
  name: string;
  /** Field names in their canonical spelling. */
  fields: string[];
  /** Relationship name (Profile) -> target object (Profile). The row holds the related Row (or null) under that name. */
  relationships?: Record<string, string>;
};

export type QuerySource = {
  schema(objectName: string): SObjectSchema | undefined;
  rows(objectName: string): Row[];
};

export type QueryResult = { totalSize: number; done: boolean; records: Row[] };

export class SoqlError extends Error {
  public constructor(public readonly errorCode: 'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE', message: string) {
    super(message);
    this.name = errorCode;
  }
}

type Token = { kind: 'word' | 'string' | 'number' | 'punct'; text: string; pos: number };

type Literal = string | number | boolean | null;
type Condition =
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'not'; inner: Condition }
  | { kind: 'cmp'; field: string; op: string; value: Literal }
  | { kind: 'in'; field: string; negated: boolean; values: Literal[] }
  | { kind: 'like'; field: string; pattern: string };

export type SoqlQuery = {
  fields: string[];
  count: boolean;
  object: string;
  objectPos: number;
  where?: Condition;
  orderBy: Array<{ field: string; desc: boolean; nullsLast: boolean }>;
  limit?: number;
  offset?: number;
};

function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let text = '';
      let j = i + 1;
      for (; j < q.length && q[j] !== "'"; j++) {
        if (q[j] === '\\' && j + 1 < q.length) {
          j++;
          const esc: Record<string, string> = { n: '\n', t: '\t', r: '\r' };
          text += esc[q[j]] ?? q[j];
        } else {
          text += q[j];
        }
      }
      if (j >= q.length) throw malformed(q, i, 'unexpected end of string literal');
      tokens.push({ kind: 'string', text, pos: i });
      i = j + 1;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(q[i + 1] ?? ''))) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(q.slice(i));
      if (!m) throw malformed(q, i, `unexpected token: ${c}`);
      tokens.push({ kind: 'number', text: m[0], pos: i });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(q.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'word', text: m[0], pos: i });
      i += m[0].length;
    } else {
      const two = q.slice(i, i + 2);
      if (['!=', '<>', '<=', '>='].includes(two)) {
        tokens.push({ kind: 'punct', text: two, pos: i });
        i += 2;
      } else if ('(),=<>'.includes(c)) {
        tokens.push({ kind: 'punct', text: c, pos: i });
        i++;
      } else {
        throw malformed(q, i, `unexpected token: '${c}'`);
      }
    }
  }
  return tokens;
}

/** Salesforce echoes the query and points at the offending row and column. */
function located(q: string, pos: number, message: string): string {
  const before = q.slice(0, pos);
  const row = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  const line = q.split('\n')[row - 1];
  return `\n${line}\n${' '.repeat(col - 1)}^\nERROR at Row:${row}:Column:${col}\n${message}`;
}

function malformed(q: string, pos: number, message: string): SoqlError {
  return new SoqlError('MALFORMED_QUERY', located(q, pos, message));
}

class Parser {
  private i = 0;
  public constructor(private readonly q: string, private readonly tokens: Token[]) {}

  public parse(): SoqlQuery {
    this.expectWord('SELECT');
    const query: SoqlQuery = { fields: [], count: false, object: '', objectPos: 0, orderBy: [] };
    if (this.peekWord('COUNT') && this.tokens[this.i + 1]?.text === '(') {
      this.i++;
      this.expectPunct('(');
      this.expectPunct(')');
      query.count = true;
    } else {
      do {
        query.fields.push(this.fieldName());
      } while (this.acceptPunct(','));
    }
    this.expectWord('FROM');
    const obj = this.take('word', 'an object name');
    query.object = obj.text;
    query.objectPos = obj.pos;
    if (this.acceptWord('WHERE')) query.where = this.orExpr();
    if (this.acceptWord('ORDER')) {
      this.expectWord('BY');
      do {
        const field = this.fieldName();
        const desc = this.acceptWord('DESC') ? true : (this.acceptWord('ASC'), false);
        let nullsLast = desc;
        if (this.acceptWord('NULLS')) nullsLast = this.acceptWord('LAST') ? true : (this.expectWord('FIRST'), false);
        query.orderBy.push({ field, desc, nullsLast });
      } while (this.acceptPunct(','));
    }
    if (this.acceptWord('LIMIT')) query.limit = Number(this.take('number', 'a number').text);
    if (this.acceptWord('OFFSET')) query.offset = Number(this.take('number', 'a number').text);
    if (this.i < this.tokens.length) {
      const t = this.tokens[this.i];
      throw malformed(this.q, t.pos, `unexpected token: '${t.text}'`);
    }
    return query;
  }

  private orExpr(): Condition {
    let left = this.andExpr();
    while (this.acceptWord('OR')) left = { kind: 'or', left, right: this.andExpr() };
    return left;
  }

  private andExpr(): Condition {
    let left = this.notExpr();
    while (this.acceptWord('AND')) left = { kind: 'and', left, right: this.notExpr() };
    return left;
  }

  private notExpr(): Condition {
    if (this.acceptWord('NOT')) return { kind: 'not', inner: this.notExpr() };
    if (this.acceptPunct('(')) {
      const inner = this.orExpr();
      this.expectPunct(')');
      return inner;
    }
    const field = this.fieldName();
    if (this.acceptWord('LIKE')) return { kind: 'like', field, pattern: this.take('string', 'a string').text };
    const negated = this.acceptWord('NOT');
    if (this.acceptWord('IN')) {
      this.expectPunct('(');
      const values: Literal[] = [];
      do {
        values.push(this.literal());
      } while (this.acceptPunct(','));
      this.expectPunct(')');
      return { kind: 'in', field, negated, values };
    }
    if (negated) this.fail('IN');
    const op = this.tokens[this.i];
    if (op?.kind !== 'punct' || !['=', '!=', '<>', '<', '<=', '>', '>='].includes(op.text)) this.fail('an operator');
    this.i++;
    return { kind: 'cmp', field, op: op.text === '<>' ? '!=' : op.text, value: this.literal() };
  }

  private literal(): Literal {
    const t = this.tokens[this.i];
    if (!t) this.fail('a value');
    this.i++;
    if (t.kind === 'string') return t.text;
    if (t.kind === 'number') return Number(t.text);
    if (t.kind === 'word') {
      const w = t.text.toLowerCase();
      if (w === 'true') return true;
      if (w === 'false') return false;
      if (w === 'null') return null;
    }
    throw malformed(this.q, t.pos, `unexpected token: '${t.text}'`);
  }

  private fieldName(): string {
    return this.take('word', 'a field name').text;
  }

  private take(kind: Token['kind'], what: string): Token {
    const t = this.tokens[this.i];
    if (t?.kind !== kind) this.fail(what);
    this.i++;
    return t;
  }

  private peekWord(word: string): boolean {
    const t = this.tokens[this.i];
    return t?.kind === 'word' && t.text.toUpperCase() === word;
  }

  private acceptWord(word: string): boolean {
    if (!this.peekWord(word)) return false;
    this.i++;
    return true;
  }

  private expectWord(word: string): void {
    if (!this.acceptWord(word)) this.fail(word);
  }

  private acceptPunct(p: string): boolean {
    const t = this.tokens[this.i];
    if (t?.kind !== 'punct' || t.text !== p) return false;
    this.i++;
    return true;
  }

  private expectPunct(p: string): void {
    if (!this.acceptPunct(p)) this.fail(`'${p}'`);
  }

  private fail(expected: string): never {
    const t = this.tokens[this.i];
    if (!t) throw malformed(this.q, this.q.length, `unexpected end of query, expecting ${expected}`);
    throw malformed(this.q, t.pos, `unexpected token: '${t.text}'`);
  }
}

export function parseSoql(q: string): SoqlQuery {
  return new Parser(q, tokenize(q)).parse();
}

type ResolvedPath = { segments: string[]; objects: string[] };

/** Resolves Profile.Name against the schema into canonical names; throws INVALID_FIELD like Salesforce. */
function resolveField(q: string, source: QuerySource, root: SObjectSchema, path: string): ResolvedPath {
  const parts = path.split('.');
  // A leading object name qualifier (SELECT User.Id FROM User) is allowed.
  if (parts.length > 1 && parts[0].toLowerCase() === root.name.toLowerCase()) parts.shift();
  const segments: string[] = [];
  const objects: string[] = [];
  let schema = root;
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k];
    if (k < parts.length - 1) {
      const relationships = schema.relationships ?? {};
      const rel = Object.keys(relationships).find((r) => r.toLowerCase() === part.toLowerCase());
      const target = rel === undefined ? undefined : source.schema(relationships[rel]);
      if (!rel || !target) {
        throw new SoqlError(
          'INVALID_FIELD',
          located(
            q,
            Math.max(0, q.indexOf(path)),
            `Didn't understand relationship '${part}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`
          )
        );
      }
      segments.push(rel);
      objects.push(target.name);
      schema = target;
    } else {
      const field = schema.fields.find((f) => f.toLowerCase() === part.toLowerCase());
      if (!field) {
        throw new SoqlError(
          'INVALID_FIELD',
          located(
            q,
            Math.max(0, q.indexOf(path)),
            `No such column '${part}' on entity '${schema.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`
          )
        );
      }
      segments.push(field);
    }
  }
  return { segments, objects };
}

function valueAt(row: Row, path: ResolvedPath): unknown {
  let current: unknown = row;
  for (const seg of path.segments) {
    if (current === null || current === undefined) return null;
    current = (current as Row)[seg];
  }
  return current ?? null;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0;
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) - Number(b);
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function equals(a: unknown, b: Literal): boolean {
  if (b === null || a === undefined) return (a ?? null) === b;
  // SOQL string comparison is case-insensitive.
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  return a === b;
}

function likeToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${body}$`, 'is');
}

export type ExecuteOptions = { apiVersion: string };

export function executeSoql(q: string, source: QuerySource, options: ExecuteOptions): QueryResult {
  const query = parseSoql(q);
  const schema = source.schema(query.object);
  if (!schema) {
    throw new SoqlError(
      'INVALID_TYPE',
      located(
        q,
        query.objectPos,
        `sObject type '${query.object}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`
      )
    );
  }
  const resolve = (path: string): ResolvedPath => resolveField(q, source, schema, path);
  const selected = query.fields.map(resolve);
  const order = query.orderBy.map((o) => ({ ...o, path: resolve(o.field) }));
  const test = compileCondition(query.where, resolve);

  let rows = source.rows(schema.name).filter(test);
  if (order.length > 0) {
    rows = [...rows].sort((x, y) => {
      for (const o of order) {
        const a = valueAt(x, o.path);
        const b = valueAt(y, o.path);
        if (a === null && b === null) continue;
        if (a === null) return o.nullsLast ? 1 : -1;
        if (b === null) return o.nullsLast ? -1 : 1;
        const c = compare(a, b);
        if (c !== 0) return o.desc ? -c : c;
      }
      return 0;
    });
  }
  const offset = query.offset ?? 0;
  rows = rows.slice(offset, query.limit === undefined ? undefined : offset + query.limit);
  if (query.count) return { totalSize: rows.length, done: true, records: [] };
  const records = rows.map((row) => project(row, schema.name, selected, options.apiVersion));
  return { totalSize: records.length, done: true, records };
}

function compileCondition(cond: Condition | undefined, resolve: (p: string) => ResolvedPath): (row: Row) => boolean {
  if (!cond) return () => true;
  switch (cond.kind) {
    case 'and': {
      const l = compileCondition(cond.left, resolve);
      const r = compileCondition(cond.right, resolve);
      return (row) => l(row) && r(row);
    }
    case 'or': {
      const l = compileCondition(cond.left, resolve);
      const r = compileCondition(cond.right, resolve);
      return (row) => l(row) || r(row);
    }
    case 'not': {
      const inner = compileCondition(cond.inner, resolve);
      return (row) => !inner(row);
    }
    case 'in': {
      const path = resolve(cond.field);
      return (row) => {
        const v = valueAt(row, path);
        const found = cond.values.some((x) => equals(v, x));
        return cond.negated ? !found : found;
      };
    }
    case 'like': {
      const path = resolve(cond.field);
      const re = likeToRegExp(cond.pattern);
      return (row) => {
        const v = valueAt(row, path);
        return typeof v === 'string' && re.test(v);
      };
    }
    case 'cmp': {
      const path = resolve(cond.field);
      const { op, value } = cond;
      return (row) => {
        const v = valueAt(row, path);
        if (op === '=') return equals(v, value);
        if (op === '!=') return !equals(v, value);
        if (v === null || value === null) return false;
        const c = compare(v, value);
        return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
      };
    }
  }
}

function attributes(type: string, row: Row | null | undefined, apiVersion: string): Row {
  const id = row?.Id;
  return { type, url: `/services/data/v${apiVersion}/sobjects/${type}/${typeof id === 'string' ? id : ''}` };
}

/** Builds a result record the way the REST API nests relationship fields: Profile: { attributes, Name }. */
function project(row: Row, type: string, selected: ResolvedPath[], apiVersion: string): Row {
  const out: Row = { attributes: attributes(type, row, apiVersion) };
  for (const path of selected) {
    let target = out;
    let source: Row | null = row;
    for (let k = 0; k < path.segments.length; k++) {
      const seg = path.segments[k];
      if (k === path.segments.length - 1) {
        target[seg] = source ? source[seg] ?? null : null;
        break;
      }
      const related = (source?.[seg] ?? null) as Row | null;
      if (!related) {
        // A null parent is a null relationship value, not an object of nulls.
        if (!(seg in target)) target[seg] = null;
        break;
      }
      if (target[seg] === null || target[seg] === undefined) {
        target[seg] = { attributes: attributes(path.objects[k], related, apiVersion) };
      }
      target = target[seg] as Row;
      source = related;
    }
  }
  return out;
}
