// What the npm bin shims share: runs a TypeScript command line through tsx, in a child Node process.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Runs `scriptUrl` with the shim's arguments; `command` names it in error messages. Exits with
 * the child's status. The child has the shim's stdout and stderr; the shim writes only its own
 * error messages, and ends by setting the exit code rather than by process.exit(), so nothing
 * it wrote is dropped.
 */
export function runTypeScript(command, scriptUrl) {
  const script = fileURLToPath(scriptUrl);

  let tsx;
  try {
    // Resolved from this file, so the shim also works when started from another directory.
    tsx = import.meta.resolve('tsx');
  } catch {
    console.error(`${command}: cannot find tsx; run npm install in the press-controller package`);
    process.exitCode = 1;
    return;
  }

  const child = spawn(process.execPath, ['--import', tsx, script, ...process.argv.slice(2)], { stdio: 'inherit' });

  // Ctrl-C reaches the child from the terminal; pass on a termination request sent to the shim only.
  const onSigint = () => {};
  const onSigterm = () => child.kill('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);

  const done = () => {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  };
  child.on('error', (error) => {
    done();
    console.error(`${command}: cannot start ${process.execPath}: ${error.message}`);
    process.exitCode = 1;
  });
  child.on('exit', (code, signal) => {
    done();
    if (signal !== null) process.kill(process.pid, signal);
    else process.exitCode = code ?? 1;
  });
}
