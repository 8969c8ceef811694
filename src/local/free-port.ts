import { createServer, type AddressInfo } from 'node:net';

/**
 * A TCP port that was free a moment ago: the kernel picks one for a listener on port 0, which is
 * closed again. Another process can still take it before the caller binds it, so callers must
 * handle "address in use" (startDynamoDBLocal retries with a new port).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    // No host: listen on the wildcard address, as DynamoDB Local (Jetty on 0.0.0.0) will.
    server.listen(0, () => {
      const { port } = server.address() as AddressInfo;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}
