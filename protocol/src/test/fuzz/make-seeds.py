#!/usr/bin/env python3
"""Writes the seed corpus of ProtocolFuzzTest from the js-libp2p golden vectors.

Jazzer's FuzzedDataProvider reads numbers from the end of an input and bytes from its start, so
each seed is the target's bytes followed by one byte naming the target (0 decoders, 1 yamux
frames, 2 yamux session, 3 AEAD). For the decoders target the first byte picks the decoder (see
DecoderChecks). Run from the repository root: python3 protocol/src/test/fuzz/make-seeds.py
"""
import json
import pathlib
import random
import struct

root = pathlib.Path("protocol/src/test/resources")
out = root / "io/hyphae/protocol/fuzz/ProtocolFuzzTestInputs/protocol"
vectors = json.loads((root / "vectors/js-vectors.json").read_text())
seeds = {}


def decoder(index, data):
    seeds[f"decoder-{index}-{len(seeds)}"] = bytes([index]) + data + bytes([0])


for m in vectors["multistream"]:
    decoder(0, bytes.fromhex(m["bytes"]))
for a in vectors["multiaddrs"]:
    decoder(1, bytes.fromhex(a["bytes"]))
    decoder(9, a["text"].encode())
for key in ("ed25519", "secp256k1"):
    decoder(2, bytes.fromhex(vectors[key]["peerIdBytes"]))
    decoder(3, bytes.fromhex(vectors[key]["publicProtobuf"]))
decoder(4, bytes([5]) + b"hello" + bytes([0]))
for n in vectors["noise"]:
    decoder(6, bytes.fromhex(n["initiatorPayload"]))
    decoder(7, bytes.fromhex(n["messageA"]))
    decoder(7, bytes.fromhex(n["messageB"]))
    b = bytes.fromhex(n["messageC"])
    decoder(8, struct.pack(">H", len(b)) + b)


def frame(kind, flags, stream, length, payload=b""):
    return struct.pack(">BBHII", 0, kind, flags, stream, length) + payload


frames = (
    frame(1, 1, 1, 0x40000)  # window update with SYN
    + frame(0, 0, 1, 3, b"abc")  # data
    + frame(2, 1, 0, 42)  # ping
    + frame(1, 4, 1, 0)  # FIN
    + frame(3, 0, 0, 0)  # go-away
)
seeds["yamux-frames"] = frames + bytes([1])
seeds["yamux-session"] = frames * 2 + bytes([2])
rng = random.Random(8439)
for n in (0, 15, 16, 17, 64, 200):
    seeds[f"aead-{n}"] = bytes(rng.randrange(256) for _ in range(32 + n + 4 + 1 + 8)) + bytes([3])

out.mkdir(parents=True, exist_ok=True)
for name, data in seeds.items():
    (out / name).write_bytes(data)
print(f"{len(seeds)} seeds in {out}")
