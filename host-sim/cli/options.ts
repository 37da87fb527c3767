import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** One argument of a command line as an option: `--name value` or `--name=value`. */
export interface OptionArgument {
  /** The argument as given. */
  readonly arg: string;
  /** The option's name (before any `=`), or the whole argument. */
  readonly name: string;
  /** The value after `=`, if the argument has one. */
  readonly inline: string | undefined;
  /** The option's value: the inline one, else the next argument (taken); a usage error when there is none. */
  value(): string;
  /** An optional value: the inline one, or the next argument (taken) when it matches; undefined otherwise. */
  optionalValue(pattern: RegExp): string | undefined;
}

/** Walks an argument list option by option; `usageError` makes the error for a missing value. */
export function* eachOption(args: readonly string[], usageError: (message: string) => Error): Generator<OptionArgument> {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    yield {
      arg,
      name,
      inline,
      value: () => {
        if (inline !== undefined) return inline;
        const next = args[++i];
        if (next === undefined) throw usageError(`${name} needs a value`);
        return next;
      },
      optionalValue: (pattern) => {
        if (inline !== undefined) return pattern.test(inline) ? inline : undefined;
        const next = args[i + 1];
        if (next === undefined || !pattern.test(next)) return undefined;
        i++;
        return next;
      },
    };
  }
}

/** True when the module at `moduleUrl` is the script Node was started with (symlinked npm bins included). */
export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return moduleUrl === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}
