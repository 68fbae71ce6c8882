// js-libp2p to js-libp2p throughput on loopback, for `hyphae bench p2p`: two nodes in this
// process (TCP, Noise, yamux), one stream then eight, MiB from argv[2] (default 64), after a
// warm-up of argv[3] MiB on one stream (default 1024, as the Java side), so that V8's compilers
// have settled before the timed runs.
// Prints one JSON line: {"jsSingleStreamMiBps":..,"js8StreamsMiBps":..}.
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'

const SINK = '/hyphae-bench/sink/1.0.0'
const mib = Number(process.argv[2] ?? '64')
const warmupMib = Number(process.argv[3] ?? '1024')
const make = (listen) => createLibp2p({
  addresses: { listen: listen ? ['/ip4/127.0.0.1/tcp/0'] : [] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()]
})
const server = await make(true)
const client = await make(false)
await server.handle(SINK, (stream) => {
  let count = 0
  stream.addEventListener('message', (evt) => { count += evt.data.byteLength })
  stream.addEventListener('remoteCloseWrite', async () => {
    const b = new Uint8Array(8)
    new DataView(b.buffer).setBigUint64(0, BigInt(count))
    stream.send(b)
    await stream.close()
  })
}, { maxInboundStreams: 64 })
const connection = await client.dial(server.getMultiaddrs()[0])

async function send (streams, bytes) {
  const chunk = new Uint8Array(65536)
  await Promise.all(Array.from({ length: streams }, async () => {
    const stream = await connection.newStream(SINK, { maxOutboundStreams: 64 })
    const acked = new Promise((resolve) => stream.addEventListener('remoteCloseWrite', resolve))
    for (let sent = 0; sent < bytes / streams; sent += chunk.length) {
      if (!stream.send(chunk)) await stream.onDrain()
    }
    await stream.close()
    await acked
  }))
}

const bytes = mib * 1048576
await send(1, Math.max(1, warmupMib) * 1048576)
let t = performance.now()
await send(1, bytes)
const single = bytes / 1048576 / ((performance.now() - t) / 1000)
t = performance.now()
await send(8, bytes)
const eight = bytes / 1048576 / ((performance.now() - t) / 1000)
console.log(JSON.stringify({ jsSingleStreamMiBps: Math.round(single * 10) / 10, js8StreamsMiBps: Math.round(eight * 10) / 10 }))
await client.stop()
await server.stop()
process.exit(0)
