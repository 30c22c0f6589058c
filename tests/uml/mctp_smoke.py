#!/usr/bin/env python3
"""Proves that the kernel this runs on carries AF_MCTP, end to end over loopback.

Run inside the User-Mode Linux test kernel (scripts/uml-smoke.sh):
  1. assign local EID 8 to `lo` with rtnetlink (RTM_NEWADDR, family AF_MCTP, IFA_LOCAL);
  2. bind a responder to message type 4 (NVMe-MI) on any network, any address;
  3. send a request to EID 8 on network 1 with a kernel-allocated owned tag;
  4. the responder sees the source EID, type and owner tag, and answers with the same tag,
     owner bit cleared; the requester receives the answer.

With --expect-unsupported it only checks that socket(AF_MCTP) fails with EAFNOSUPPORT
(what the development hosts' kernels do).

CPython's socket module knows no sockaddr_mctp, so bind/sendto/recvfrom go through libc
with ctypes on the socket's file descriptor; socket creation and rtnetlink use the
socket module.
"""

import ctypes
import errno
import select
import socket
import struct
import sys

AF_MCTP = 45
MCTP_NET_ANY = 0
MCTP_ADDR_ANY = 0xFF
MCTP_TAG_OWNER = 0x08
MCTP_TAG_MASK = 0x07
LOCAL_EID = 8
NETWORK = 1  # `lo` is on the default network, 1
MSG_TYPE_NVME_MI = 0x04
IC = 0x80

RTM_NEWADDR = 20
NLMSG_ERROR = 2
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 0x1, 0x4, 0x200, 0x400
IFA_LOCAL = 2

# struct sockaddr_mctp: u16 family, u16 pad, u32 network, u8 addr, u8 type, u8 tag, u8 pad
SOCKADDR_MCTP = struct.Struct("=HHIBBBB")
assert SOCKADDR_MCTP.size == 12

libc = ctypes.CDLL(None, use_errno=True)


def check(ret, what):
    if ret < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {errno.errorcode.get(err, err)}")
    return ret


def sockaddr(network, addr, typ, tag):
    raw = SOCKADDR_MCTP.pack(AF_MCTP, 0, network, addr, typ, tag, 0)
    return ctypes.create_string_buffer(raw, len(raw))


def bind(sock, network, addr, typ):
    sa = sockaddr(network, addr, typ, 0)
    check(libc.bind(sock.fileno(), sa, ctypes.c_uint32(len(sa))), "bind")


def sendto(sock, data, network, addr, typ, tag):
    sa = sockaddr(network, addr, typ, tag)
    buf = ctypes.create_string_buffer(data, len(data))
    n = libc.sendto(sock.fileno(), buf, ctypes.c_size_t(len(data)), 0, sa,
                    ctypes.c_uint32(len(sa)))
    check(n, "sendto")
    assert n == len(data), (n, len(data))


def recvfrom(sock, timeout=5.0):
    ready, _, _ = select.select([sock], [], [], timeout)
    if not ready:
        raise TimeoutError("no message within %.1f s" % timeout)
    buf = ctypes.create_string_buffer(4096)
    sa = ctypes.create_string_buffer(SOCKADDR_MCTP.size)
    salen = ctypes.c_uint32(len(sa))
    n = check(libc.recvfrom(sock.fileno(), buf, ctypes.c_size_t(len(buf)), 0, sa,
                            ctypes.byref(salen)), "recvfrom")
    family, _, network, addr, typ, tag, _ = SOCKADDR_MCTP.unpack(sa.raw)
    assert family == AF_MCTP, family
    return buf.raw[:n], network, addr, typ, tag


def assign_eid(ifname, eid):
    """RTM_NEWADDR {ifa_family = AF_MCTP, ifa_index} + IFA_LOCAL(eid); checks the ack."""
    index = socket.if_nametoindex(ifname)
    attr = struct.pack("=HHB3x", 5, IFA_LOCAL, eid)  # rta_len counts the unpadded payload
    ifaddrmsg = struct.pack("=BBBBI", AF_MCTP, 0, 0, 0, index)
    body = ifaddrmsg + attr
    seq = 1
    flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL
    msg = struct.pack("=IHHII", 16 + len(body), RTM_NEWADDR, flags, seq, 0) + body
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE) as nl:
        nl.bind((0, 0))
        nl.send(msg)
        reply = nl.recv(4096)
    length, typ, _, rseq, _ = struct.unpack_from("=IHHII", reply)
    assert typ == NLMSG_ERROR and rseq == seq, (typ, rseq)
    (error,) = struct.unpack_from("=i", reply, 16)
    if error != 0:
        raise OSError(-error, f"RTM_NEWADDR eid {eid} on {ifname}: {errno.errorcode.get(-error)}")
    print(f"assigned EID {eid} to {ifname} (ifindex {index})")


def expect_unsupported():
    try:
        socket.socket(AF_MCTP, socket.SOCK_DGRAM).close()
    except OSError as e:
        if e.errno == errno.EAFNOSUPPORT:
            print("host: socket(AF_MCTP) -> EAFNOSUPPORT, as expected without CONFIG_MCTP")
            return 0
        raise
    print("host: socket(AF_MCTP) works here: this kernel has CONFIG_MCTP")
    return 0


def main():
    if "--expect-unsupported" in sys.argv[1:]:
        return expect_unsupported()

    assign_eid("lo", LOCAL_EID)
    responder = socket.socket(AF_MCTP, socket.SOCK_DGRAM)
    requester = socket.socket(AF_MCTP, socket.SOCK_DGRAM)
    bind(responder, MCTP_NET_ANY, MCTP_ADDR_ANY, MSG_TYPE_NVME_MI)

    # The kernel sends smctp_type as the message's first byte: the buffer starts after it.
    request = bytes([0x08, 0x00, 0x00, 0x00]) + b"smoke request"
    sendto(requester, request, NETWORK, LOCAL_EID, MSG_TYPE_NVME_MI | IC, MCTP_TAG_OWNER)

    data, network, src, typ, tag = recvfrom(responder)
    print(f"responder: {len(data)} bytes from EID {src} net {network} type {typ:#04x} tag {tag:#04x}")
    assert data == request, data
    assert src == LOCAL_EID, src
    assert typ & 0x7F == MSG_TYPE_NVME_MI and typ & IC, typ
    assert tag & MCTP_TAG_OWNER, tag

    response = bytes([0x88, 0x00, 0x00, 0x00]) + b"smoke response"
    sendto(responder, response, network, src, typ, tag & MCTP_TAG_MASK)

    data, network, src, typ, tag = recvfrom(requester)
    print(f"requester: {len(data)} bytes from EID {src} net {network} type {typ:#04x} tag {tag:#04x}")
    assert data == response, data
    assert src == LOCAL_EID, src
    assert not tag & MCTP_TAG_OWNER, tag
    print("AF_MCTP request/response over lo: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
