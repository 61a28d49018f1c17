#!/usr/bin/env python3
"""Generate store-core's commands.textproto from a running redis-server.

Usage: tools/gen_command_table.py [port] > store-core/src/main/resources/io/vellum/core/command/commands.textproto

It asks the server for COMMAND INFO and COMMAND DOCS over RESP3 and writes
one CommandDef per command (schema: store-core/src/main/proto/vellum/command_table.proto).
Redis 7.2 additions are kept in tools/commands-7.2-overlay.textproto and
appended verbatim; re-run this after changing the overlay.
"""
import os
import socket
import sys


class Resp3:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.buf = b""

    def send(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a.encode() if isinstance(a, str) else a
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.sock.sendall(out)
        return self.read()

    def _line(self):
        while b"\r\n" not in self.buf:
            self.buf += self.sock.recv(1 << 20)
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            self.buf += self.sock.recv(1 << 20)
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def read(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b"+":
            return ("status", rest.decode())
        if t == b"-":
            raise RuntimeError(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            return self._exact(int(rest)).decode()
        if t == b"=":
            return self._exact(int(rest)).decode()[4:]
        if t == b"_":
            return None
        if t in (b"*", b"~"):
            return [self.read() for _ in range(int(rest))]
        if t == b"%":
            items = [(self.read(), self.read()) for _ in range(int(rest))]
            return dict(items)
        raise RuntimeError("unexpected RESP3 type %r" % t)


def s(v):
    return v[1] if isinstance(v, tuple) else v


def q(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def emit_keyspec(ks, ind):
    out = [ind + "key_spec {"]
    i = ind + "  "
    if "notes" in ks:
        out.append(i + "notes: " + q(ks["notes"]))
    for f in ks["flags"]:
        out.append(i + "flags: " + q(s(f)))
    bs = ks["begin_search"]
    if bs["type"] == "index":
        out.append(i + "begin_index { index: %d }" % bs["spec"]["index"])
    elif bs["type"] == "keyword":
        out.append(i + "begin_keyword { keyword: %s startfrom: %d }" % (q(bs["spec"]["keyword"]), bs["spec"]["startfrom"]))
    else:
        out.append(i + "begin_unknown: true")
    fk = ks["find_keys"]
    if fk["type"] == "range":
        sp = fk["spec"]
        out.append(i + "find_range { lastkey: %d keystep: %d limit: %d }" % (sp["lastkey"], sp["keystep"], sp["limit"]))
    elif fk["type"] == "keynum":
        sp = fk["spec"]
        out.append(i + "find_keynum { keynumidx: %d firstkey: %d keystep: %d }" % (sp["keynumidx"], sp["firstkey"], sp["keystep"]))
    else:
        out.append(i + "find_unknown: true")
    out.append(ind + "}")
    return out


ARG_ORDER = ["display_text", "key_spec_index", "token", "summary", "since", "deprecated_since"]


def emit_arg(a, ind):
    out = [ind + "argument {", ind + "  name: " + q(a["name"]), ind + "  type: " + q(a["type"])]
    for k in ARG_ORDER:
        if k in a:
            v = a[k]
            out.append(ind + "  %s: %s" % (k, v if isinstance(v, int) else q(s(v))))
    for f in a.get("flags", []):
        out.append(ind + "  flags: " + q(s(f)))
    if "value" in a:
        out.append(ind + "  value: " + q(s(a["value"])))
    for sub in a.get("arguments", []):
        out.extend(emit_arg(sub, ind + "  "))
    out.append(ind + "}")
    return out


def emit_docs(d, ind):
    out = [ind + "docs {"]
    i = ind + "  "
    out.append(i + "summary: " + q(d["summary"]))
    out.append(i + "since: " + q(d["since"]))
    out.append(i + "group: " + q(d["group"]))
    if "complexity" in d:
        out.append(i + "complexity: " + q(d["complexity"]))
    for f in d.get("doc_flags", []):
        out.append(i + "doc_flags: " + q(s(f)))
    if "deprecated_since" in d:
        out.append(i + "deprecated_since: " + q(d["deprecated_since"]))
    if "replaced_by" in d:
        out.append(i + "replaced_by: " + q(d["replaced_by"]))
    for h in d.get("history", []):
        out.append(i + "history { version: %s description: %s }" % (q(h[0]), q(h[1])))
    for a in d.get("arguments", []):
        out.extend(emit_arg(a, i))
    out.append(ind + "}")
    return out


def emit_command(info, docs, ind, field="command"):
    name, arity, flags, first, last, step, acl, tips, keyspecs, subs = info
    out = [ind + field + " {"]
    i = ind + "  "
    out.append(i + "name: " + q(name))
    out.append(i + "arity: %d" % arity)
    for f in flags:
        out.append(i + "flags: " + q(s(f)))
    out.append(i + "first_key: %d last_key: %d key_step: %d" % (first, last, step))
    for c in acl:
        out.append(i + "acl_categories: " + q(s(c)))
    for t in tips:
        out.append(i + "tips: " + q(s(t)))
    for ks in keyspecs:
        out.extend(emit_keyspec(ks, i))
    sub_docs = (docs or {}).get("subcommands", {})
    for sub in sorted(subs, key=lambda x: x[0]):
        out.extend(emit_command(sub, sub_docs.get(sub[0]), i, "subcommand"))
    if docs:
        out.extend(emit_docs(docs, i))
    out.append(ind + "}")
    return out


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 6379
    r = Resp3(port)
    r.send("HELLO", "3")
    version = r.send("INFO", "server")
    version = [l for l in version.splitlines() if l.startswith("redis_version:")][0].split(":")[1]
    infos = r.send("COMMAND", "INFO")
    docs = r.send("COMMAND", "DOCS")
    print("# Generated by tools/gen_command_table.py from redis-server %s (BSD-3-Clause)," % version)
    print("# then the Redis 7.2 overlay (tools/commands-7.2-overlay.textproto) appended.")
    print("# Schema: store-core/src/main/proto/vellum/command_table.proto")
    for info in sorted(infos, key=lambda x: x[0]):
        print("\n".join(emit_command(info, docs.get(info[0]), "")))
    overlay = os.path.join(os.path.dirname(__file__), "commands-7.2-overlay.textproto")
    if os.path.exists(overlay):
        print(open(overlay).read(), end="")


if __name__ == "__main__":
    main()
