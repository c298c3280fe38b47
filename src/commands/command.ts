import type { Argv } from 'yargs';

/**
 * A trajkit CLI command: yargs options declared as data in `builder`, and a `run` that calls
 * one exported library function, prints, and returns the exit code (0 ok, 1 findings, 2 usage).
 */
export interface TrajkitCommand<A = any> {
  command: string;
  describe: string;
  builder: (y: Argv) => Argv<A>;
  run: (args: A) => Promise<number>;
}

/** Identity helper that keeps the argument type of `builder` flowing into `run`. */
export function defineCommand<A>(cmd: TrajkitCommand<A>): TrajkitCommand<A> {
  return cmd;
}
