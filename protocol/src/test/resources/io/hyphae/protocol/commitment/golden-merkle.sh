#!/usr/bin/env bash
# Computes the golden values of MerkleGoldenTest with Foundry's cast (contracts/node_modules),
# independently of the Java code. Run: bash golden-merkle.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../../../../../../.." && pwd)
CAST=$ROOT/contracts/node_modules/@foundry-rs/cast-linux-amd64/bin/cast
pair() { # commutative keccak: sorted concatenation
  local a=${1#0x} b=${2#0x}
  if [[ "$a" < "$b" ]]; then $CAST keccak "0x$a$b"; else $CAST keccak "0x$b$a"; fi
}
leaves=()
for i in 0 1 2 3 4; do
  h=$($CAST keccak "shard-$i")
  enc=$($CAST abi-encode "f(uint256,bytes32)" $i $h)
  inner=$($CAST keccak $enc)
  leaf=$($CAST keccak $inner)
  echo "inputHash[$i]=$h"
  echo "inputLeaf[$i]=$leaf"
  leaves+=($leaf)
done
# result leaf of shard 3 with outputHash keccak("out-3")
oh=$($CAST keccak "out-3")
enc=$($CAST abi-encode "f(uint256,bytes32,bytes32)" 3 ${leaves[3]} $oh)
echo "outputHash[3]=$oh"
echo "resultLeaf[3]=$($CAST keccak $($CAST keccak $enc))"
# 5 leaves: level1 = p01 p23 L4 ; level2 = p(p01,p23) L4 ; root = p(level2[0], L4)
p01=$(pair ${leaves[0]} ${leaves[1]}); p23=$(pair ${leaves[2]} ${leaves[3]})
p0123=$(pair $p01 $p23); root5=$(pair $p0123 ${leaves[4]})
echo "p01=$p01"; echo "p23=$p23"; echo "p0123=$p0123"; echo "root5=$root5"
# 3 leaves: root = p(p01, L2)
echo "root3=$(pair $p01 ${leaves[2]})"
echo "root2=$p01"
# Input root of a job of two text shards, from their canonical bytes (docs/inference.md):
# shard 0 = texts ["hi", "é"] from row 5, shard 1 = texts ["ok"] from row 7.
s0=$($CAST keccak 0x010100000000000000050000000200000002686900000002c3a9)
s1=$($CAST keccak 0x0101000000000000000700000001000000026f6b)
l0=$($CAST keccak $($CAST keccak $($CAST abi-encode "f(uint256,bytes32)" 0 $s0)))
l1=$($CAST keccak $($CAST keccak $($CAST abi-encode "f(uint256,bytes32)" 1 $s1)))
echo "textShardInputHash[0]=$s0"
echo "textShardInputRoot=$(pair $l0 $l1)"
