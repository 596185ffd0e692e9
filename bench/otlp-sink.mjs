// An OTLP/HTTP receiver that only counts what it is sent: the far end of `npm run bench -- --tracing`.
import { createServer } from 'node:http';

export async function startOtlpSink() {
  let requests = 0;
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on('data', (chunk) => (bytes += chunk.length));
    req.on('end', () => {
      requests += 1;
      res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/x-protobuf' }).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests: () => requests,
    bytes: () => bytes,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}
