// The bundled servers (scripts/server.mjs, scripts/start-standalone.mjs) record each request's TCP
// peer address in x-lokdown-peer. The app believes that header only in a process whose
// LOKDOWN_PEER_SERVER_PID is its own pid, which only these servers set: under a plain `next start`
// a client sending the header itself is never believed (lib/auth/request/client.ts).

export const PEER_HEADER = "x-lokdown-peer";

/** Call before Next.js loads in this process: tells lib/env.ts that x-lokdown-peer is ours. */
export function claimPeerHeader() {
  process.env.LOKDOWN_PEER_SERVER_PID = String(process.pid);
}

/** Replaces whatever the client sent in x-lokdown-peer with the socket's own address. */
export function recordPeer(req) {
  delete req.headers[PEER_HEADER];
  req.headers[PEER_HEADER] = req.socket.remoteAddress ?? "";
}
