// Imported first by every entry point: Node prints process warnings (such as the AWS SDK's
// notice about Node versions) as plain text on stderr, which would break the JSON-lines log.
// Node's printer is an ordinary 'warning' listener, so it is replaced by one that writes JSON.
process.removeAllListeners('warning');
process.on('warning', (w: Error) => {
  process.stderr.write(JSON.stringify({ ts: new Date().toISOString(), level: 'warn', msg: w.message, warning: w.name }) + '\n');
});
