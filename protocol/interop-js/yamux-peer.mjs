// A js-yamux peer for the Java yamux interop test (YamuxJsInteropIT): a plain TCP server (no
// security layer) on 127.0.0.1 that runs @chainsafe/libp2p-yamux as the listener on every
// connection. Prints {"port": N} on stdout once listening; exits when stdin closes.
//
// Every inbound stream echoes what it receives and closes its writable end when the remote does,
// except a stream whose first bytes are a command line:
//   "reverse <count> <bytes>\n"  opens <count> streams to the Java side, sends <bytes> patterned
//                                bytes on each, half-closes, checks that the echo is identical,
//                                then answers "ok <count> <bytes>\n" (or "fail <why>\n") and
//                                closes the command stream.
//   "reset\n"                    opens one stream to the Java side, sends 4 bytes, then resets it;
//                                answers "ok reset\n".
import net from 'node:net'
import { yamux } from '@chainsafe/libp2p-yamux'
import { AbstractMultiaddrConnection, ipPortToMultiaddr } from '@libp2p/utils'
import { logger } from '@libp2p/logger'
import { Uint8ArrayList } from 'uint8arraylist'

const log = logger('hyphae:yamux-peer')

/** A net.Socket as the MessageStream that js-yamux runs over. */
class SocketConnection extends AbstractMultiaddrConnection {
  constructor (socket) {
    super({
      remoteAddr: ipPortToMultiaddr(socket.remoteAddress, socket.remotePort),
      direction: 'inbound',
      log
    })
    this.socket = socket
    socket.on('data', (buf) => this.onData(buf))
    socket.on('drain', () => this.safeDispatchEvent('drain'))
    socket.on('error', (err) => this.abort(err))
    socket.once('close', () => this.onTransportClosed())
  }

  sendData (data) {
    let sentBytes = 0
    let canSendMore = true
    for (const buf of data) {
      sentBytes += buf.byteLength
      canSendMore = this.socket.write(buf)
      if (!canSendMore) break
    }
    return { sentBytes, canSendMore }
  }

  sendReset () { this.socket.resetAndDestroy() }
  sendPause () { this.socket.pause() }
  sendResume () { this.socket.resume() }

  async sendClose () {
    if (this.socket.destroyed) return
    await new Promise((resolve) => { this.socket.once('close', resolve); this.socket.end() })
  }
}

function bytesOf (data) {
  return data instanceof Uint8ArrayList ? data.subarray() : data
}

/** Sends with backpressure: waits for 'drain' when the stream's buffer is full. */
async function sendAll (stream, data) {
  if (!stream.send(data)) await stream.onDrain()
}

function pattern (index, size) {
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i++) out[i] = (i * 31 + index * 7 + (i >> 10)) & 0xff
  return out
}

function echo (stream, first) {
  let chain = Promise.resolve()
  const forward = (data) => {
    // a stream reset while echoing must not crash the peer (an unhandled rejection ends Node)
    chain = chain.then(() => sendAll(stream, data)).catch((err) => log.error('echo send %s', err))
  }
  if (first != null) forward(first)
  stream.addEventListener('message', (evt) => forward(evt.data))
  const closeAfterEcho = () => {
    chain = chain.then(() => stream.close()).catch((err) => log.error('echo close %s', err))
  }
  if (stream.remoteWriteStatus === 'closed') closeAfterEcho()
  else stream.addEventListener('remoteCloseWrite', closeAfterEcho)
}

async function reverse (muxer, count, size) {
  const results = await Promise.all(Array.from({ length: count }, async (_, index) => {
    const stream = await muxer.createStream()
    const received = new Uint8ArrayList()
    const ended = new Promise((resolve, reject) => {
      stream.addEventListener('message', (evt) => received.append(evt.data))
      stream.addEventListener('remoteCloseWrite', resolve)
      stream.addEventListener('close', (evt) => evt.error ? reject(evt.error) : resolve())
    })
    const data = pattern(index, size)
    for (let at = 0; at < size; at += 65536) {
      await sendAll(stream, data.subarray(at, Math.min(size, at + 65536)))
    }
    await stream.close()
    await ended
    const back = received.subarray()
    if (back.byteLength !== size) return `stream ${index}: ${back.byteLength} of ${size} bytes back`
    for (let i = 0; i < size; i++) {
      if (back[i] !== data[i]) return `stream ${index}: byte ${i} differs`
    }
    return null
  }))
  const failures = results.filter((r) => r != null)
  return failures.length === 0 ? `ok ${count} ${size}\n` : `fail ${failures.join('; ')}\n`
}

async function resetOne (muxer) {
  const stream = await muxer.createStream()
  await sendAll(stream, new Uint8Array([1, 2, 3, 4]))
  // let the bytes go out before the reset
  await new Promise((resolve) => setTimeout(resolve, 50))
  stream.abort(new Error('reset by the js peer'))
  return 'ok reset\n'
}

function command (muxer, stream, line) {
  const [name, ...args] = line.trim().split(' ')
  const run = name === 'reverse'
    ? reverse(muxer, Number(args[0]), Number(args[1]))
    : name === 'reset' ? resetOne(muxer) : Promise.resolve(`fail unknown command ${name}\n`)
  run
    .catch((err) => `fail ${err.message}\n`)
    .then(async (answer) => {
      await sendAll(stream, new TextEncoder().encode(answer))
      await stream.close()
    })
    .catch((err) => log.error('command %s', err))
}

function onStream (muxer, stream) {
  let decided = false
  const firstMessage = (evt) => {
    if (decided) return
    decided = true
    stream.removeEventListener('message', firstMessage)
    const data = bytesOf(evt.data)
    const text = new TextDecoder().decode(data.subarray(0, Math.min(data.byteLength, 64)))
    if (/^(reverse \d+ \d+|reset)\n/.test(text)) {
      command(muxer, stream, text.split('\n')[0])
    } else {
      echo(stream, data)
    }
  }
  stream.addEventListener('message', firstMessage)
  // A stream closed before sending anything is echoed as empty: close our side too.
  stream.addEventListener('remoteCloseWrite', () => {
    if (!decided) {
      decided = true
      stream.close().catch(() => {})
    }
  })
}

const server = net.createServer({ noDelay: true }, (socket) => {
  const muxer = yamux()().createStreamMuxer(new SocketConnection(socket))
  muxer.addEventListener('stream', (evt) => onStream(muxer, evt.detail))
})

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n')
})

process.stdin.on('end', () => process.exit(0))
process.stdin.resume()
