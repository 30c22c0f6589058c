#!/usr/bin/env python3
"""Derive the committed seed corpora (fuzz/seeds/<target>/) from the test vectors.

Usage: python3 fuzz/make_seeds.py [VECTORS_JSON]   (default tests/vectors/vectors.json)

The seeds are committed: CI has no copy of the vectors. Each seed is the vector's bytes in
the input format of the target (see the comment at the top of each fuzz_targets/*.rs).
"""
import json, os, struct, sys

here = os.path.dirname(os.path.abspath(__file__))
vectors = json.load(open(sys.argv[1] if len(sys.argv) > 1 else "tests/vectors/vectors.json"))
seeds = {}

def add(target, name, data):
    seeds.setdefault(target, {})[name] = bytes(data)

def chunk(b):
    return struct.pack("<H", len(b)) + bytes(b)

frames = {}
for v in vectors:
    b = bytes.fromhex(v["hex"].replace(" ", ""))
    name = v["name"]
    if v["layer"] == "smbus frame":
        frames[name] = b
        add("smbus_frame", name, b)
        packet = b[4:-1]
        add("mctp_packet", name, b"\x00" + packet)
        add("reassembler", name, b"\x00" + b"\x00" + chunk(packet))
        add("reassembler", name + "-local", b"\x02" + b"\x00" + chunk(packet))
        msg = packet[4:]
        if msg[:1] == b"\x00":
            add("mctp_control", name, msg)
        else:
            add("responder_sim", name, b"\x00" + chunk(msg))
            add("mi_request", name, msg)
            add("mi_response", name, chunk(b"") + b"\x00\x00" + msg)
    elif v["layer"] == "nvme-mi message":
        add("mi_request", name, b)
        add("responder_sim", name, b"\x00" + chunk(b))
        add("responder_sim", name + "-sealed-later", b"\x01" + chunk(b) + b"\x1a" + b"\xfa" + chunk(b))
        add("mi_response", name, chunk(b"") + b"\x00\x00" + b)
        add("requester", name, bytes([0, 0]) + b"\x00\x00" + chunk(b"") + b"\x00" + chunk(b))
        add("requester", name + "-fixed", bytes([0, 0]) + b"\x00\x00" + chunk(b"") + b"\x01" + chunk(b[4:-4]))

# Two packets of one message, in order, as one reassembler sequence; and the message whole
# for the fragmenter round trip.
p1 = frames.get("smbus-identify-packet-1")
p2 = frames.get("smbus-identify-packet-2")
if p1 and p2:
    add("reassembler", "identify-two-packets", b"\x00" + b"\x00" + chunk(p1[4:-1]) + b"\x01" + chunk(p2[4:-1]))
    whole = p1[8:-1] + p2[8:-1]
    add("reassembler", "identify-fragment", b"\x01" + b"\x00\x00\x02" + chunk(whole))

# Basic Management: the digest G.2 status block read at 0x6a, command 0.
add("basic_mgmt", "status-block", bytes([0x6a, 0x00, 0x06, 0xb8, 0xff, 0x25, 0x03, 0x00, 0x00, 0x3a]))
add("basic_mgmt", "identification-block", bytes([0x6a, 0x08, 0x16, 0x80, 0x86]) + b"BTLF1234".ljust(20) + b"\x00")
# Admin data: an odd first byte, then a zeroed 4096-byte structure with an ASCII serial.
add("admin_data", "zeroed-4096", b"\x00" + b"\x00" * 4 + b"S123".ljust(20) + b"\x00" * 4072)
add("admin_data", "smart-512", b"\x00" + b"\x00" * 512)
# A self-test log (564 bytes): one short test passed on namespace 1, the rest unused.
add("admin_data", "self-test-564", b"\x00" + bytes([0, 0, 0, 0]) + bytes([0x10, 0, 1, 0]) + b"\x00" * 8
    + (1).to_bytes(4, "little") + b"\x00" * 12 + b"".join(bytes([0x0f]) + b"\x00" * 27 for _ in range(19)))
# A Namespace Identification Descriptor list: EUI64, NGUID, CSI, then the end.
add("admin_data", "ns-descs", b"\x00" + bytes([1, 8, 0, 0]) + bytes(range(8)) + bytes([2, 16, 0, 0])
    + bytes(range(16)) + bytes([4, 1, 0, 0, 0]) + b"\x00" * 64)

for target, files in seeds.items():
    d = os.path.join(here, "seeds", target)
    os.makedirs(d, exist_ok=True)
    for name, data in files.items():
        open(os.path.join(d, name), "wb").write(data)
print(" ".join(f"{t}:{len(f)}" for t, f in sorted(seeds.items())))
