/** One top-level value of a JSON document, as raw bytes, or a note that the structure broke. */
export interface JsonValueSlice {
  /** 0-based position: the array element's index, or 0 for a single top-level object. */
  index: number;
  /** 1-based line where the value (or the problem) starts. */
  line: number;
  /** The value's bytes, exactly as in the file. Absent when `error` is set. */
  bytes?: Buffer;
  /** Why the document's structure is broken here; the splitter goes on where it can. */
  error?: string;
}

const enum State {
  Start,
  ExpectValue,
  Value,
  AfterValue,
  End,
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

function isSpace(b: number): boolean {
  return b === 0x20 || b === NEWLINE || b === 0x0d || b === 0x09;
}

/**
 * Splits a JSON document (one object, or an array of values) into its top-level values without
 * parsing them, so a huge array streams: memory holds one element, never the whole file.
 *
 * The splitter only tracks strings and bracket depth; whether an element is valid JSON is left
 * to `JSON.parse` on its bytes, so one malformed element does not hide the next. Structural
 * problems (missing comma, missing `]`, a second top-level value, an element cut off by the end
 * of the file) come out as slices with `error`, and reading continues where that makes sense.
 */
export async function* splitJsonValues(stream: AsyncIterable<Buffer>): AsyncGenerator<JsonValueSlice> {
  let state = State.Start as State;
  let inArray = false;
  let line = 1;
  let index = 0;
  let firstChunk = true;
  // Whether a second top-level value was already reported (report it once, then read on).
  let reportedExtraValue = false;

  // The value being scanned.
  let depth = 0;
  let scalar = false;
  let inString = false;
  let escaped = false;
  let valueLine = 0;
  let pieces: Buffer[] = [];
  let pieceBytes = 0;

  const takeValue = (tail: Buffer): JsonValueSlice => {
    const bytes = pieceBytes === 0 ? tail : Buffer.concat([...pieces, tail], pieceBytes + tail.length);
    pieces = [];
    pieceBytes = 0;
    return { index: index++, line: valueLine, bytes };
  };

  for await (const chunk of stream) {
    let i = 0;
    if (firstChunk) {
      firstChunk = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    }
    let valueStart = state === State.Value ? i : -1;
    const n = chunk.length;

    while (i < n) {
      const b = chunk[i];
      if (state === State.Value) {
        if (inString) {
          if (escaped) escaped = false;
          else if (b === BACKSLASH) escaped = true;
          else if (b === QUOTE) {
            inString = false;
            if (depth === 0) {
              yield takeValue(chunk.subarray(valueStart, i + 1));
              valueStart = -1;
              state = inArray ? State.AfterValue : State.End;
            }
          } else if (b === NEWLINE) line++;
          i++;
          continue;
        }
        if (scalar) {
          if (isSpace(b) || b === COMMA || b === CLOSE_BRACKET || b === CLOSE_BRACE || b === QUOTE || b === OPEN_BRACE || b === OPEN_BRACKET) {
            // The delimiter belongs to the structure around the scalar: reread it in that state.
            yield takeValue(chunk.subarray(valueStart, i));
            valueStart = -1;
            scalar = false;
            state = inArray ? State.AfterValue : State.End;
            continue;
          }
          i++;
          continue;
        }
        if (b === QUOTE) inString = true;
        else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
        else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
          depth--;
          if (depth === 0) {
            yield takeValue(chunk.subarray(valueStart, i + 1));
            valueStart = -1;
            state = inArray ? State.AfterValue : State.End;
          }
        } else if (b === NEWLINE) line++;
        i++;
        continue;
      }

      if (isSpace(b)) {
        if (b === NEWLINE) line++;
        i++;
        continue;
      }

      switch (state) {
        case State.Start:
          if (b === OPEN_BRACKET) {
            inArray = true;
            state = State.ExpectValue;
            i++;
            continue;
          }
          break; // any other value: a single top-level value
        case State.ExpectValue:
          if (b === CLOSE_BRACKET) {
            // `[]` is fine; `[1,]` is a trailing comma, which JSON does not allow.
            if (index > 0) yield { index: index++, line, error: 'trailing comma before the closing ]' };
            state = State.End;
            i++;
            continue;
          }
          break;
        case State.AfterValue:
          if (b === COMMA) {
            state = State.ExpectValue;
            i++;
            continue;
          }
          if (b === CLOSE_BRACKET) {
            state = State.End;
            i++;
            continue;
          }
          yield { index: index++, line, error: "expected ',' or ']' after the previous element" };
          break; // read on: treat this byte as the start of the next element
        case State.End:
          if (!reportedExtraValue) {
            reportedExtraValue = true;
            yield {
              index: index++,
              line,
              error: inArray
                ? 'unexpected data after the closing ] of the top-level array'
                : 'more than one top-level JSON value (a JSON Lines file named .json? name it .jsonl)',
            };
          }
          // Keep reading the extra values as records so none is skipped silently.
          inArray = false;
          break;
      }

      // Start of a value.
      state = State.Value;
      valueLine = line;
      valueStart = i;
      depth = 0;
      scalar = false;
      inString = false;
      escaped = false;
      if (b === QUOTE) inString = true;
      else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth = 1;
      else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        // A stray closer cannot start a value: report it as a one-byte broken element.
        yield takeValue(chunk.subarray(i, i + 1));
        valueStart = -1;
        state = inArray ? State.AfterValue : State.End;
      } else scalar = true;
      i++;
    }

    if (state === State.Value && valueStart >= 0 && valueStart < n) {
      const rest = chunk.subarray(valueStart);
      pieces.push(rest);
      pieceBytes += rest.length;
    }
  }

  if (state === State.Value) {
    if (scalar) {
      yield takeValue(Buffer.alloc(0));
      state = inArray ? State.AfterValue : State.End;
    } else {
      pieces = [];
      pieceBytes = 0;
      yield {
        index: index++,
        line: valueLine,
        error: `the file ends inside the value that starts on line ${valueLine} (an unclosed string, { or [)`,
      };
      return;
    }
  }
  if (state === State.Start) yield { index: index++, line, error: 'the file is empty: expected a JSON object or array' };
  else if (state === State.ExpectValue || state === State.AfterValue)
    yield { index: index++, line, error: 'the file ends before the top-level array is closed with ]' };
}
