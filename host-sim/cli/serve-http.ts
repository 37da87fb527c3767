/**
 * press-sim serve --http: the press console page at `/`, and the virtual instrument's SCPI
 * at `/scpi` over a WebSocket (binary frames, raw bytes both ways, one session per socket,
 * as a TCP connection gets).
 */
import http from 'node:http';
import type net from 'node:net';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { VirtualInstrument } from '../virtual-instrument';
import type { ScpiSession } from '../../src/protocol/session';
import { buildConsolePage } from '../../tools/build/build-console';

/** Bytes one WebSocket message may carry: a whole program definition and then some. */
const MAX_MESSAGE_BYTES = 64 * 1024;

function bridge(socket: WebSocket, instrument: VirtualInstrument): void {
  let session: ScpiSession = instrument.createSession();
  socket.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    // A simulated reset brings up a new firmware: its table, a fresh session.
    if (session.table !== instrument.firmware.commandTable) session = instrument.createSession();
    session.feed(bytes);
    while (session.pendingOutput > 0) {
      const out = session.peekOutput();
      socket.send(Buffer.from(out));
      session.consumeOutput(out.length);
    }
  });
  socket.on('error', () => socket.terminate());
}

export interface HttpConsole {
  port: number;
  close(): void;
}

export async function startHttpConsole(instrument: VirtualInstrument, port: number, host: string): Promise<HttpConsole> {
  const page = await buildConsolePage();
  const server = http.createServer((request, response) => {
    const url = request.url ?? '/';
    if (request.method === 'GET' && (url === '/' || url === '/index.html' || url === '/console.html')) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(page);
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end(`no ${url} here: the console is at /, the SCPI WebSocket at /scpi\n`);
    }
  });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (request, socket: net.Socket, head) => {
    if (request.url !== '/scpi') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => bridge(ws, instrument));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.close();
    },
  };
}
