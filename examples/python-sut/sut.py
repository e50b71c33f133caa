#!/usr/bin/env python3
"""streamcheck system under test, written from PROTOCOL.md + SEMANTICS.md only.

Standard library only. See README.md in this folder for what it supports and how it checkpoints.
"""

import hashlib
import json
import os
import re
import signal
import sys

EXIT_OK, EXIT_FAIL, EXIT_BAD_INPUT, EXIT_BAD_CHECKPOINT = 0, 1, 2, 3
CKPT_FORMAT = "python-sut-checkpoint"
KEEP_METADATA = 6  # metadata checkpoint files kept (older ones are pruned)


class BadInput(Exception):
    pass


class BadCheckpoint(Exception):
    pass


class FunctionError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Canonical JSON (object keys and record order by UTF-16 code units)

def u16(s):
    """Sort key comparing strings by UTF-16 code units (big-endian bytes compare the same way)."""
    return s.encode("utf-16-be", "surrogatepass")


LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def jstr(s):
    """A JSON string as JSON.stringify writes it (lone surrogates escaped as \\udxxx)."""
    return LONE_SURROGATE.sub(lambda m: "\\u%04x" % ord(m.group(0)), json.dumps(s, ensure_ascii=False))


def canonical(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 2 ** 53:
            return str(int(v))
        return json.dumps(v)  # assumption: non-integral numbers never occur (see README)
    if isinstance(v, str):
        return jstr(v)
    if isinstance(v, list):
        return "[" + ",".join(canonical(x) for x in v) + "]"
    if isinstance(v, dict):
        keys = sorted(v.keys(), key=u16)
        return "{" + ",".join(jstr(k) + ":" + canonical(v[k]) for k in keys) + "}"
    raise TypeError("not a JSON value: %r" % (v,))


def sort_records(records):
    return sorted(records, key=lambda r: u16(canonical(r)))


def to_bytes(text):
    return text.encode("utf-8", "surrogatepass")


# ---------------------------------------------------------------------------------------------
# The built-in function registry (the subset this SUT supports), after reference/program/functions.ts

MIN_SAFE = -(2 ** 53 - 1)


def is_int(x):
    return isinstance(x, int) and not isinstance(x, bool)


def need_int(fn, x):
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    if not is_int(x):
        raise FunctionError("function %s expected an integer, received %s" % (fn, canonical(x)))
    return x


def need_str(fn, x):
    if not isinstance(x, str):
        raise FunctionError("function %s expected a string, received %s" % (fn, canonical(x)))
    return x


def need_pair(fn, x):
    if not isinstance(x, list) or len(x) != 2:
        raise FunctionError("function %s expected a pair [key, value], received %s" % (fn, canonical(x)))
    return x


JS_WS = "[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+"


def tokens(s):
    return [] if s == "" else s.split(",")


def join_tokens(t):
    return ",".join(sorted(t, key=u16))


def remove_tokens(a, b):
    left = tokens(need_str("remove-tokens", a))
    for tok in tokens(need_str("remove-tokens", b)):
        if tok not in left:
            raise FunctionError('function remove-tokens cannot remove "%s" from %s' % (tok, canonical(a)))
        left.remove(tok)
    return join_tokens(left)


def utf16_len(s):
    return len(u16(s)) // 2


def first_unit(s):
    """JavaScript's s.slice(0, 1): the first UTF-16 code unit (half of a surrogate pair for astral characters)."""
    return u16(s)[:2].decode("utf-16-be", "surrogatepass")


def need_field(fn, x, f):
    if not isinstance(x, dict) or f not in x:
        raise FunctionError('function %s expected an object with field "%s", received %s' % (fn, f, canonical(x)))
    return x[f]


def mk_map(name, arg):
    if name == "identity":
        return lambda x: x
    if name == "pair-with-one":
        return lambda x: [x, 1]
    if name == "mod":
        return lambda x: need_int("mod", x) % arg
    if name == "add":
        return lambda x: need_int("add", x) + arg
    if name == "negate":
        return lambda x: 0 - need_int("negate", x)
    if name == "length":
        return lambda x: utf16_len(need_str("length", x))
    if name == "to-string":
        return lambda x: x if isinstance(x, str) else canonical(x)
    if name == "key":
        return lambda x: need_pair("key", x)[0]
    if name == "value":
        return lambda x: need_pair("value", x)[1]
    if name == "swap":
        return lambda x: [need_pair("swap", x)[1], x[0]]
    if name == "key-by-mod":
        return lambda x: [need_int("key-by-mod", x) % arg, x]
    if name == "to-upper":
        return lambda x: need_str("to-upper", x).upper()
    if name == "first-char":
        return lambda x: first_unit(need_str("first-char", x))
    if name == "key-by-first-char":
        return lambda x: [first_unit(need_str("key-by-first-char", x)), x]
    if name == "key-by-field":
        return lambda x: [need_field("key-by-field", x, arg), x]
    if name == "field":
        return lambda x: need_field("field", x, arg)
    if name == "key-by-length":
        return lambda x: [utf16_len(need_str("key-by-length", x)), x]
    return None


def mk_flatmap(name, arg):
    if name == "split-words":
        return lambda x: [w for w in re.split(JS_WS, need_str("split-words", x)) if w]
    if name == "split-chars":
        return lambda x: list(need_str("split-chars", x))
    if name == "duplicate":
        return lambda x: [x, x]
    if name == "digits":
        return lambda x: [int(c) for c in str(abs(need_int("digits", x)))]
    if name == "range":
        return lambda x: list(range(need_int("range", x) % arg))
    return None


def mk_filter(name, arg):
    if name == "is-even":
        return lambda x: need_int("is-even", x) % 2 == 0
    if name == "is-odd":
        return lambda x: need_int("is-odd", x) % 2 == 1
    if name == "gt":
        return lambda x: need_int("gt", x) > arg
    if name == "lt":
        return lambda x: need_int("lt", x) < arg
    if name == "non-empty":
        return lambda x: len(need_str("non-empty", x)) > 0
    if name == "shorter-than":
        return lambda x: utf16_len(need_str("shorter-than", x)) < arg
    if name == "value-gt":
        return lambda x: need_int("value-gt", need_pair("value-gt", x)[1]) > arg
    if name == "value-nonzero":
        return lambda x: need_int("value-nonzero", need_pair("value-nonzero", x)[1]) != 0
    if name == "value-is-even":
        return lambda x: need_int("value-is-even", need_pair("value-is-even", x)[1]) % 2 == 0
    return None


def mk_reduce(name, arg):
    if name == "sum":
        return lambda a, b: need_int("sum", a) + need_int("sum", b)
    if name == "max":
        return lambda a, b: max(need_int("max", a), need_int("max", b))
    if name == "min":
        return lambda a, b: min(need_int("min", a), need_int("min", b))
    if name == "concat":
        return lambda a, b: join_tokens(tokens(need_str("concat", a)) + tokens(need_str("concat", b)))
    return None


def mk_inverse(name, arg):
    if name == "subtract":
        return lambda a, b: need_int("subtract", a) - need_int("subtract", b)
    if name == "remove-tokens":
        return remove_tokens
    return None


NONE = object()  # "no state" / "remove the key"


def mk_update(name, arg):
    def sum_values(fn, values):
        return sum(need_int(fn, v) for v in values)

    if name == "running-sum":
        return lambda vs, st: (0 if st is NONE else need_int("running-sum", st)) + sum_values("running-sum", vs)
    if name == "running-count":
        return lambda vs, st: (0 if st is NONE else need_int("running-count", st)) + len(vs)
    if name == "sum-until-empty":
        return lambda vs, st: NONE if not vs else (0 if st is NONE else need_int("sum-until-empty", st)) + sum_values("sum-until-empty", vs)
    if name == "max-so-far":
        def f(vs, st):
            m = MIN_SAFE if st is NONE else need_int("max-so-far", st)
            for v in vs:
                m = max(m, need_int("max-so-far", v))
            return m
        return f
    if name == "session":
        def g(vs, st):
            events, idle = (0, 0) if st is NONE else (st[0], st[1])
            if vs:
                return [events + len(vs), 0]
            idle += 1
            return NONE if idle >= arg else [events, idle]
        return g
    return None


FN_ARGS = {  # functions that need an argument: 'int' or 'positive-int'
    "mod": "positive-int", "add": "int", "key-by-mod": "positive-int", "range": "positive-int",
    "gt": "int", "lt": "int", "value-gt": "int", "session": "positive-int", "count-to": "positive-int", "shorter-than": "positive-int",
    "key-by-field": "string", "field": "string",
}
KEEP, REMOVE = object(), object()


def mk_state_mapping(name, arg):
    """(key, value or NONE, state or NONE, timingOut) -> (emit or NONE, new state or KEEP or REMOVE)"""
    if name == "running-sum":
        def f(key, value, state, timing_out):
            prev = 0 if state is NONE else need_int("running-sum", state)
            if timing_out:
                return [key, {"timedOut": prev}], KEEP
            nxt = prev + need_int("running-sum", value)
            return [key, nxt], nxt
        return f
    if name == "count-to":
        def g(key, value, state, timing_out):
            if timing_out:
                return NONE, KEEP
            nxt = (0 if state is NONE else need_int("count-to", state)) + 1
            return ([key, "done"], REMOVE) if nxt >= arg else ([key, nxt], nxt)
        return g
    return None


MAKERS = {"stateMapping": mk_state_mapping, "map": mk_map, "flatMap": mk_flatmap, "filter": mk_filter, "reduce": mk_reduce,
          "inverse": mk_inverse, "update": mk_update}


def resolve(kind, ref):
    if isinstance(ref, str):
        name, arg, has_arg = ref, None, False
    elif isinstance(ref, dict) and isinstance(ref.get("name"), str):
        name, arg, has_arg = ref["name"], ref.get("arg"), "arg" in ref
    else:
        raise BadInput("bad function reference %r" % (ref,))
    spec = FN_ARGS.get(name)
    if spec is None and has_arg:
        raise BadInput("function %s takes no argument" % name)
    if spec == "string":
        if not isinstance(arg, str):
            raise BadInput("function %s needs a string argument" % name)
    elif spec is not None and (not is_int(arg) or (spec == "positive-int" and arg <= 0)):
        raise BadInput("function %s needs an integer argument" % name)
    fn = MAKERS[kind](name, arg)
    if fn is None:
        raise BadInput("unknown (or unsupported) %s function %r" % (kind, name))
    return fn


# ---------------------------------------------------------------------------------------------
# The program: a graph of streams

SUPPORTED = ["map", "flatMap", "filter", "mapValues", "flatMapValues", "union", "count", "reduce", "countByValue",
             "reduceByKey", "groupByKey", "join", "leftOuterJoin", "rightOuterJoin", "fullOuterJoin", "cogroup",
             "window", "countByWindow", "reduceByWindow", "reduceByKeyAndWindow", "countByValueAndWindow",
             "groupByKeyAndWindow", "updateStateByKey", "mapWithState", "stateSnapshots", "output"]
JOINS = ("join", "leftOuterJoin", "rightOuterJoin", "fullOuterJoin", "cogroup")
WINDOWED = ("window", "countByWindow", "reduceByWindow", "reduceByKeyAndWindow", "countByValueAndWindow",
            "groupByKeyAndWindow")


class Node:
    def __init__(self, spec):
        self.spec = spec
        self.id = spec["id"]
        self.op = spec["op"]
        self.parents = []
        self.slide = None
        self.stateful = False
        self.ckpt_interval = None


class Program:
    def __init__(self, prog):
        if not isinstance(prog, dict) or prog.get("format") != "streamcheck-program" or prog.get("version") != 1:
            raise BadInput("not a streamcheck program v1")
        self.raw = prog
        self.batch = prog.get("batchIntervalMs")
        if not is_int(self.batch) or self.batch <= 0:
            raise BadInput("bad batchIntervalMs")
        self.nodes = {}
        self.inputs = []
        for inp in prog.get("inputs") or []:
            n = Node({"id": inp["name"], "op": "input"})
            n.slide = self.batch
            self.nodes[n.id] = n
            self.inputs.append(n.id)
        if not self.inputs:
            raise BadInput("no inputs")
        self.order = []  # operations in program order (parents always come first)
        self.outputs = []
        for spec in prog.get("operations") or []:
            self.add(spec)

    def parent(self, name):
        if name not in self.nodes:
            raise BadInput("unknown stream %r" % (name,))
        return self.nodes[name]

    def add(self, s):
        op = s.get("op")
        if op not in SUPPORTED:
            raise BadInput("unsupported operation %r" % (op,))
        n = Node(s)
        if n.id in self.nodes:
            raise BadInput("duplicate id %r" % n.id)
        if op == "union":
            if not isinstance(s["from"], list) or not s["from"]:
                raise BadInput("union needs a list of parents")
            n.parents = [self.parent(p) for p in s["from"]]
        elif op in JOINS:
            n.parents = [self.parent(s["from"]), self.parent(s["with"])]
        else:
            n.parents = [self.parent(s["from"])]
        ps = n.parents[0].slide
        if any(p.slide != ps for p in n.parents):
            raise BadInput("%s: parents must share a slide" % n.id)
        if op in WINDOWED:
            n.window = s["windowMs"]
            n.slide = s.get("slideMs", ps)
            if n.window % ps or n.slide % ps or n.window <= 0 or n.slide <= 0:
                raise BadInput("%s: window and slide must be multiples of the parent's slide" % n.id)
        else:
            n.slide = ps
        if "fn" in s:
            kind = {"map": "map", "mapValues": "map", "flatMap": "flatMap", "flatMapValues": "flatMap",
                    "filter": "filter", "reduceByKey": "reduce", "reduceByKeyAndWindow": "reduce",
                    "updateStateByKey": "update", "reduce": "reduce", "reduceByWindow": "reduce",
                    "mapWithState": "stateMapping"}[op]
            n.fn = resolve(kind, s["fn"])
        n.inverse = resolve("inverse", s["inverseFn"]) if "inverseFn" in s else None
        n.filter = resolve("filter", s["filterFn"]) if "filterFn" in s else None
        if op == "countByValueAndWindow":
            n.fn, n.inverse, n.filter = mk_reduce("sum", None), mk_inverse("subtract", None), mk_filter("value-nonzero", None)
        if op == "countByWindow":
            n.fn, n.inverse = mk_reduce("sum", None), mk_inverse("subtract", None)
        if op == "stateSnapshots" and n.parents[0].op != "mapWithState":
            raise BadInput("%s: stateSnapshots needs a mapWithState stream" % n.id)
        n.timeout = s.get("timeoutMs")
        if op in ("updateStateByKey", "mapWithState") or (op in WINDOWED and n.inverse):
            n.stateful = True
            iv = s.get("checkpointIntervalMs")
            if iv is None and op == "mapWithState":
                iv = 10 * n.slide
            elif iv is None:
                iv = n.slide * max(1, -(-10000 // n.slide))  # smallest multiple of the slide >= 10 s
            elif iv % n.slide or iv < n.slide:
                raise BadInput("%s: checkpointIntervalMs must be a multiple of the slide" % n.id)
            n.ckpt_interval = iv
        self.nodes[n.id] = n
        self.order.append(n)
        if op == "output":
            self.outputs.append(n)

    def stateful(self):
        return [n for n in self.order if n.stateful]


# ---------------------------------------------------------------------------------------------
# Durable file writes and crash points

class Crasher:
    def __init__(self, env):
        at = env.get("STREAMCHECK_CRASH_AT")
        self.crash_at = int(at) if at else None
        self.events = env.get("STREAMCHECK_EVENTS", "no-crash-points")
        self.passed = 0

    def emit(self, obj):
        if self.events != "none":
            sys.stdout.write(json.dumps(obj, separators=(",", ":"), ensure_ascii=False) + "\n")
            sys.stdout.flush()

    def point(self, name, t):
        self.passed += 1
        crash = self.crash_at is not None and self.passed == self.crash_at
        if crash or self.events == "all":
            self.emit({"event": "crash-point", "n": self.passed, "name": name, "batchTimeMs": t})
        if crash:
            os.kill(os.getpid(), signal.SIGKILL)


CRASH = None


def fsync_dir(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def makedirs_durable(d):
    """os.makedirs, then fsync the parent of every directory it made: a new directory's entry is
    durable only once its parent is synced (streamcheck's durability lint, PROTOCOL.md section 10)."""
    made = []
    p = os.path.abspath(d)
    while not os.path.isdir(p):
        made.append(p)
        p = os.path.dirname(p)
    if not made:
        return
    os.makedirs(d, exist_ok=True)
    for m in made:
        fsync_dir(os.path.dirname(m))


def write_atomic(path, data, what, t):
    """temp file (leading '.', trailing '.tmp') + fsync + rename + directory fsync."""
    d, base = os.path.split(path)
    makedirs_durable(d)
    tmp = os.path.join(d, "." + base + ".%d.tmp" % os.getpid())
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    CRASH.point(what + ":temp-written", t)
    os.replace(tmp, path)
    CRASH.point(what + ":renamed", t)
    fsync_dir(d)


def sha256(b):
    return hashlib.sha256(b).hexdigest()


# ---------------------------------------------------------------------------------------------
# Computing streams

def group(records, what):
    """Per key (by canonical text): (key, [values]) in first-seen order."""
    out = {}
    for r in records:
        if not isinstance(r, list) or len(r) != 2:
            raise FunctionError("%s needs pairs [key, value], received %s" % (what, canonical(r)))
        c = canonical(r[0])
        if c in out:
            out[c][1].append(r[1])
        else:
            out[c] = (r[0], [r[1]])
    return out


def fold(fn, values):
    acc = values[0]
    for v in values[1:]:
        acc = fn(acc, v)
    return acc


class Engine:
    def __init__(self, prog, inp):
        self.p = prog
        self.inp = inp
        self.cache = {}  # (id, T) -> records
        self.states = {}  # (id, T) -> a stateful stream's state (what its data checkpoint holds)
        self.restored = {}  # id -> (T, records) from data checkpoints
        self.max_back = sum(getattr(n, "window", 0) + n.slide for n in prog.order) + 2 * prog.batch
        self.ranges = {}  # T -> {input: [from, until]} recorded for the batch

    def until(self, name, t):
        return sum(1 for r in self.inp["streams"].get(name, []) if r["arrivalMs"] <= t)

    def offset_ranges(self, t):
        b = self.p.batch
        return {name: [0 if t == b else self.until(name, t - b), self.until(name, t)] for name in self.p.inputs}

    def valid(self, n, t):
        return t > 0 and t % n.slide == 0

    def get(self, n, t):
        """The result of stream n at valid time t (records, unsorted)."""
        key = (n.id, t)
        if key in self.cache:
            return self.cache[key]
        if n.stateful:
            r = self.view(n, self.state(n, t))
        else:
            r = self.compute(n, t)
        self.cache[key] = r
        return r

    def view(self, n, state):
        """A stateful stream's result from its state."""
        if n.op == "mapWithState":
            return state["emitted"]
        if n.op in ("countByWindow", "reduceByWindow"):
            return [v for _, v in state]
        return state

    def final_state(self, n, state):
        if n.op == "mapWithState":
            return sort_records([[k, st] for k, st, _ in state["entries"]])
        return sort_records(state)

    def state(self, n, t):
        """A stateful stream's state at valid time t: walk back to a known state (cache, restored data
        checkpoint or time 0), then step forward."""
        if (n.id, t) in self.states:
            return self.states[(n.id, t)]
        s = t - n.slide
        while s > 0 and (n.id, s) not in self.states and not (n.id in self.restored and self.restored[n.id][0] == s):
            s -= n.slide
        if s <= 0:
            prev = {"entries": [], "emitted": []} if n.op == "mapWithState" else []
        elif (n.id, s) in self.states:
            prev = self.states[(n.id, s)]
        else:
            prev = self.restored[n.id][1]
        while s < t:
            s += n.slide
            prev = self.step(n, s, prev)
            self.states[(n.id, s)] = prev
        return prev

    def parent_window(self, n, t, lo, hi):
        """The parent's records at its valid times in (lo, hi]."""
        p = n.parents[0]
        out = []
        s = (lo // p.slide + 1) * p.slide
        while s <= hi:
            if s > 0:
                out.extend(self.get(p, s))
            s += p.slide
        return out

    def compute(self, n, t):
        op, sp = n.op, n.spec
        if op == "input":
            rng = self.ranges.get(t) or self.offset_ranges(t)
            recs = self.inp["streams"].get(n.id, [])
            a, b = rng[n.id]
            return [r["value"] for r in recs[a:b]]
        if op == "stateSnapshots":
            return [[k, st] for k, st, _ in self.state(n.parents[0], t)["entries"]]
        par = self.get(n.parents[0], t) if op not in WINDOWED else None
        if op == "map":
            return [n.fn(x) for x in par]
        if op == "flatMap":
            return [y for x in par for y in n.fn(x)]
        if op == "filter":
            return [x for x in par if n.fn(x)]
        if op == "mapValues":
            return [[need_pair("mapValues", x)[0], n.fn(x[1])] for x in par]
        if op == "flatMapValues":
            return [[need_pair("flatMapValues", x)[0], y] for x in par for y in n.fn(x[1])]
        if op == "union":
            return [x for p in n.parents for x in self.get(p, t)]
        if op == "output":
            return par
        if op == "count":
            return [len(par)]
        if op == "countByValue":
            g = group([[x, 1] for x in par], op)
            return [[k, len(vs)] for k, vs in g.values()]
        if op == "reduceByKey":
            return [[k, fold(n.fn, sort_records(vs))] for k, vs in group(par, op).values()]
        if op == "groupByKey":
            return [[k, sort_records(vs)] for k, vs in group(par, op).values()]
        if op == "reduce":
            return [fold(n.fn, sort_records(par))] if par else []
        if op in JOINS:
            left, right = group(par, op), group(self.get(n.parents[1], t), op)
            out = []
            keys = list(left) + [c for c in right if c not in left]
            for c in keys:
                k = left[c][0] if c in left else right[c][0]
                vs, ws = (left[c][1] if c in left else []), (right[c][1] if c in right else [])
                if op == "cogroup":
                    out.append([k, [sort_records(vs), sort_records(ws)]])
                    continue
                if not ws and op in ("leftOuterJoin", "fullOuterJoin"):
                    ws = [None]
                if not vs and op in ("rightOuterJoin", "fullOuterJoin"):
                    vs = [None]
                out.extend([k, [v, w]] for v in vs for w in ws)
            return out
        if op == "reduceByWindow":  # without an inverse: reduce, window, reduce
            ps = n.parents[0].slide
            vals = []
            s = t - n.window + ps
            while s <= t:
                if s > 0:
                    b = self.get(n.parents[0], s)
                    if b:
                        vals.append(fold(n.fn, sort_records(b)))
                s += ps
            return [fold(n.fn, sort_records(vals))] if vals else []
        if op == "window":
            return self.parent_window(n, t, t - n.window, t)
        if op == "groupByKeyAndWindow":
            return [[k, sort_records(vs)] for k, vs in group(self.parent_window(n, t, t - n.window, t), op).values()]
        if op == "reduceByKeyAndWindow" and n.inverse is None:
            ps = n.parents[0].slide
            vals = []
            s = t - n.window + ps
            while s <= t:  # reduceByKey per batch, window, reduceByKey
                if s > 0:
                    vals.extend([k, fold(n.fn, sort_records(vs))] for k, vs in group(self.get(n.parents[0], s), op).values())
                s += ps
            return [[k, fold(n.fn, vs)] for k, vs in group(vals, op).values()]
        raise AssertionError(op)

    def step(self, n, t, prev):
        """A stateful stream's result at t from its result at t - slide."""
        if n.op == "updateStateByKey":
            batch = group(self.get(n.parents[0], t), n.op)
            state = {canonical(k): (k, v) for k, v in prev}
            keys = list(state.keys()) + [c for c in batch if c not in state]
            out = []
            for c in keys:
                k = state[c][0] if c in state else batch[c][0]
                vs = sort_records(batch[c][1]) if c in batch else []
                st = n.fn(vs, state[c][1] if c in state else NONE)
                if st is not NONE:
                    out.append([k, st])
            return sort_records(out)
        if n.op == "mapWithState":
            return self.map_with_state(n, t, prev)
        # reduceByKeyAndWindow with an inverse (ReducedWindowedDStream); countByValueAndWindow,
        # reduceByWindow with an inverse and countByWindow are keyed versions of it
        ps, S, W = n.parents[0].slide, n.slide, n.window
        if n.op == "countByValueAndWindow":
            batches = lambda lo, hi: [[x, 1] for x in self.parent_window(n, t, lo, hi)]
        elif n.op == "reduceByWindow":
            batches = lambda lo, hi: [[0, x] for x in self.parent_window(n, t, lo, hi)]
        elif n.op == "countByWindow":
            batches = lambda lo, hi: [[0, 1] for x in self.parent_window(n, t, lo, hi)]
        else:
            batches = lambda lo, hi: self.parent_window(n, t, lo, hi)
        old = {c: (k, fold(n.fn, sort_records(vs))) for c, (k, vs) in group(batches(t - S - W, t - W), n.op).items()}
        new = {c: (k, fold(n.fn, sort_records(vs))) for c, (k, vs) in group(batches(t - S, t), n.op).items()}
        out = []
        seen = set()
        for k, p in prev:
            c = canonical(k)
            seen.add(c)
            v = p
            if c in old:
                v = n.inverse(v, old[c][1])
            if c in new:
                v = n.fn(v, new[c][1])
            out.append([k, v])
        for c, (k, v) in new.items():
            if c not in seen:
                out.append([k, v])
        for c, (k, _) in old.items():
            if c not in seen and c not in new:
                raise FunctionError("Neither previous window has value for key, nor new values found (key %s)" % canonical(k))
        if n.filter:
            out = [r for r in out if n.filter(r)]
        return sort_records(out)

    def map_with_state(self, n, t, prev):
        entries = {canonical(k): [k, st, lu] for k, st, lu in prev["entries"]}
        emitted = []
        for r in sort_records(self.get(n.parents[0], t)):
            k, v = need_pair("mapWithState", r)
            c = canonical(k)
            e = entries.get(c)
            emit, new = n.fn(k, v, NONE if e is None else e[1], False)
            if emit is not NONE:
                emitted.append(emit)
            if new is REMOVE:
                entries.pop(c, None)
                continue
            if new is not KEEP:
                e = entries[c] = [k, new, e[2] if e is not None else None]
                e[2] = t  # updated
            elif e is not None and n.timeout is not None:
                e[2] = t  # still exists, timeout defined
        if n.timeout is not None and t % n.ckpt_interval == 0:  # full scan only when checkpointed
            for c in list(entries):
                k, st, lu = entries[c]
                if lu < t - n.timeout:
                    emit, _ = n.fn(k, NONE, st, True)
                    if emit is not NONE:
                        emitted.append(emit)
                    del entries[c]
        return {"entries": [entries[c] for c in entries], "emitted": emitted}

    def evict(self, t):
        lim = t - self.max_back
        for key in [k for k in self.cache if k[1] < lim]:
            del self.cache[key]
        for key in [k for k in self.states if k[1] < lim]:
            del self.states[key]


# ---------------------------------------------------------------------------------------------
# Checkpoints
#   <ckpt>/metadata/checkpoint-<T:020d>-<phase>.json   phase 0: batch T generated (pending), 1: completed
#   <ckpt>/data/<stream id>/<T:020d>.json             a stateful stream's result at T
# Every file is {"body": ..., "sha256": sha256(canonical(body))}, written atomically.

def seal(body):
    return to_bytes(canonical({"body": body, "sha256": sha256(to_bytes(canonical(body)))}) + "\n")


def unseal(path):
    with open(path, "rb") as f:
        obj = json.loads(f.read().decode("utf-8"))
    body = obj["body"]
    if sha256(to_bytes(canonical(body))) != obj["sha256"]:
        raise ValueError("checksum mismatch")
    return body


META_RE = re.compile(r"^checkpoint-(\d{20})-([01])\.json$")


class Checkpointer:
    def __init__(self, root, prog, input_hash):
        self.root = root
        self.meta_dir = os.path.join(root, "metadata")
        self.data_dir = os.path.join(root, "data")
        self.prog = prog
        self.program_hash = sha256(to_bytes(canonical(prog.raw)))
        self.input_hash = input_hash
        self.data_refs = {}  # stream id -> {"timeMs", "file", "sha256"} in the last completed batch

    def meta_files(self):
        if not os.path.isdir(self.meta_dir):
            return []
        out = []
        for name in os.listdir(self.meta_dir):
            m = META_RE.match(name)
            if m:
                out.append((int(m.group(1)), int(m.group(2)), name))
        return sorted(out)

    def write_metadata(self, t, phase, pending):
        body = {
            "format": CKPT_FORMAT, "version": 1,
            "programHash": self.program_hash, "inputHash": self.input_hash,
            "batchIntervalMs": self.prog.batch,
            "checkpointTimeMs": t, "phase": "generated" if phase == 0 else "completed",
            "pendingBatches": pending,  # [{"timeMs", "offsetRanges": {input: [from, until]}}]
            "dataCheckpoints": self.data_refs,
        }
        path = os.path.join(self.meta_dir, "checkpoint-%020d-%d.json" % (t, phase))
        write_atomic(path, seal(body), "metadata-" + body["phase"], t)
        CRASH.point("metadata-%s:synced" % body["phase"], t)
        self.prune(t)

    def write_data(self, n, t, records):
        rel = os.path.join(n.id, "%020d.json" % t)
        data = seal({"stream": n.id, "timeMs": t, "records": records, "programHash": self.program_hash})
        write_atomic(os.path.join(self.data_dir, rel), data, "data:" + n.id, t)
        return {"timeMs": t, "file": rel}

    def prune(self, t):
        files = self.meta_files()
        if len(files) <= KEEP_METADATA:
            return
        for _, _, name in files[:-KEEP_METADATA]:
            os.remove(os.path.join(self.meta_dir, name))
        CRASH.point("metadata:pruned", t)
        # data checkpoints no kept metadata file refers to, older than every reference
        oldest = {}
        for _, _, name in self.meta_files():
            try:
                body = unseal(os.path.join(self.meta_dir, name))
            except Exception:
                continue
            for sid, ref in body["dataCheckpoints"].items():
                oldest[sid] = min(oldest.get(sid, ref["timeMs"]), ref["timeMs"])
        for n in self.prog.stateful():
            d = os.path.join(self.data_dir, n.id)
            if n.id not in oldest or not os.path.isdir(d):
                continue
            for name in os.listdir(d):
                if re.match(r"^\d{20}\.json$", name) and int(name[:20]) < oldest[n.id]:
                    os.remove(os.path.join(d, name))

    def recover(self):
        """The newest valid metadata checkpoint and its restored data, or None for a fresh start."""
        files = self.meta_files()
        if not files:
            return None
        problems = []
        for t, phase, name in reversed(files):
            try:
                body = unseal(os.path.join(self.meta_dir, name))
            except Exception as e:  # torn or corrupt: fall back to an older one
                problems.append("%s: %s" % (name, e))
                continue
            if body.get("format") != CKPT_FORMAT or body.get("programHash") != self.program_hash \
                    or body.get("batchIntervalMs") != self.prog.batch:
                raise BadCheckpoint("%s was written for a different program" % name)
            try:
                restored = {}
                for sid, ref in body["dataCheckpoints"].items():
                    d = unseal(os.path.join(self.data_dir, ref["file"]))
                    if d["stream"] != sid or d["timeMs"] != ref["timeMs"]:
                        raise ValueError("data checkpoint %s does not match" % ref["file"])
                    restored[sid] = (d["timeMs"], d["records"])
            except Exception as e:
                problems.append("%s: data: %s" % (name, e))
                continue
            for p in problems:
                sys.stderr.write("skipping invalid checkpoint %s\n" % p)
            self.data_refs = dict(body["dataCheckpoints"])
            return body, restored
        raise BadCheckpoint("checkpoint files exist but none is valid: " + "; ".join(problems))


# ---------------------------------------------------------------------------------------------
# Running

def commit_output(out_dir, n, t, records):
    obj = {"format": "streamcheck-output", "version": 1, "output": n.id, "batchTimeMs": t,
           "records": sort_records(records)}
    data = to_bytes(canonical(obj) + "\n")
    write_atomic(os.path.join(out_dir, n.id, "%d.json" % t), data, "output:" + n.id, t)
    CRASH.point("output:committed", t)
    CRASH.emit({"event": "output-committed", "output": n.id, "batchTimeMs": t, "records": len(records),
                "sha256": sha256(data)})


def run_batch(eng, ck, out_dir, t):
    """Run the jobs of batch t: outputs, then data checkpoints of stateful streams due at t."""
    for n in eng.p.stateful():  # Spark generates every stream at every valid time
        if eng.valid(n, t):
            eng.state(n, t)
    for n in eng.p.outputs:
        if eng.valid(n, t):
            commit_output(out_dir, n, t, eng.get(n, t))
    for n in eng.p.stateful():
        if eng.valid(n, t) and t % n.ckpt_interval == 0:
            ck.data_refs[n.id] = ck.write_data(n, t, eng.state(n, t))
    eng.evict(t)


def load_json(path):
    with open(path, "rb") as f:
        return json.loads(f.read().decode("utf-8"))


def check_input(inp, prog):
    if not isinstance(inp, dict) or inp.get("format") != "streamcheck-input" or inp.get("version") != 1:
        raise BadInput("not a streamcheck input log v1")
    if not is_int(inp.get("endTimeMs")) or not isinstance(inp.get("streams"), dict):
        raise BadInput("bad input log")
    for name, recs in inp["streams"].items():
        for i, r in enumerate(recs):
            if r.get("offset") != i:
                raise BadInput("stream %s: offset %r at position %d" % (name, r.get("offset"), i))
            if i and r["arrivalMs"] < recs[i - 1]["arrivalMs"]:
                raise BadInput("stream %s: arrivals out of order" % name)
    for name in prog.inputs:
        inp["streams"].setdefault(name, [])


def main(env=None):
    """One run over env (default: this process's environment): its exit status."""
    env = os.environ if env is None else env
    global CRASH
    CRASH = Crasher(env)
    try:
        prog_raw = load_json(env["STREAMCHECK_PROGRAM"])
        prog = Program(prog_raw)
        with open(env["STREAMCHECK_INPUT"], "rb") as f:
            inp_bytes = f.read()
        inp = json.loads(inp_bytes.decode("utf-8"))
        check_input(inp, prog)
    except (BadInput, KeyError, ValueError, TypeError, OSError) as e:
        sys.stderr.write("bad program or input: %s\n" % (e,))
        return EXIT_BAD_INPUT
    out_dir = env["STREAMCHECK_OUTPUT_DIR"]
    ck = Checkpointer(env["STREAMCHECK_CHECKPOINT_DIR"], prog, sha256(to_bytes(canonical(inp))))
    eng = Engine(prog, inp)
    b, end = prog.batch, inp["endTimeMs"]
    try:
        rec = ck.recover()
    except BadCheckpoint as e:
        sys.stderr.write("unusable checkpoint directory: %s\n" % e)
        return EXIT_BAD_CHECKPOINT
    next_t = b
    if rec is not None:
        body, restored = rec
        eng.restored = restored
        sys.stderr.write("recovered from checkpoint at %d (%s), %d pending\n" % (
            body["checkpointTimeMs"], body["phase"], len(body["pendingBatches"])))
        last = body["checkpointTimeMs"]
        for pb in sorted(body["pendingBatches"], key=lambda x: x["timeMs"]):
            t = pb["timeMs"]
            eng.ranges[t] = pb["offsetRanges"]  # re-run with the offset ranges it was generated with
            run_batch(eng, ck, out_dir, t)
            ck.write_metadata(t, 1, [])
            last = max(last, t)
        next_t = last + b
    t = next_t
    while t <= end:
        ranges = eng.offset_ranges(t)
        eng.ranges[t] = ranges
        ck.write_metadata(t, 0, [{"timeMs": t, "offsetRanges": ranges}])
        run_batch(eng, ck, out_dir, t)
        ck.write_metadata(t, 1, [])
        eng.ranges.pop(t - eng.max_back, None)
        t += b
    last_t = (end // b) * b if end >= b else None
    streams = {}
    for n in prog.stateful():
        if last_t is None:
            streams[n.id] = []
            continue
        lt = (last_t // n.slide) * n.slide
        streams[n.id] = eng.final_state(n, eng.state(n, lt)) if lt > 0 else []
    final = {"format": "streamcheck-state", "version": 1, "batchTimeMs": last_t, "streams": streams}
    write_atomic(os.path.join(out_dir, "_state", "final.json"), to_bytes(canonical(final) + "\n"), "final-state", last_t)
    CRASH.emit({"event": "done", "crashPoints": CRASH.passed})
    return EXIT_OK


def run_once(env):
    """One run, as the command would do it: its exit status."""
    try:
        return main(env)
    except FunctionError as e:
        sys.stderr.write("function error: %s\n" % e)
        return EXIT_FAIL


def protocol_line(obj):
    # ready and run-end belong to serve mode itself: printed whatever STREAMCHECK_EVENTS says.
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def serve():
    """Serve mode (PROTOCOL.md §9): one run per request line on stdin, in this process, so a case
    pays for the interpreter's start-up (and compiling this file) only where a crash killed one.
    Nothing carries over between runs: each builds its Engine and Checkpointer from its own env.
    A crash point SIGKILLs the process; a run that fails ends it with its exit status."""
    protocol_line({"event": "ready"})
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            run, req_env = req["run"], req["env"]
            if req.get("request") != "run" or not isinstance(req_env, dict):
                raise ValueError("not a run request")
        except (ValueError, KeyError, TypeError) as e:
            sys.stderr.write("bad serve request: %s\n" % e)
            return EXIT_BAD_INPUT
        env = dict(os.environ)
        env.pop("STREAMCHECK_CRASH_AT", None)
        env.update(req_env)
        code = run_once(env)
        if code != EXIT_OK:
            return code
        protocol_line({"event": "run-end", "run": run, "exitCode": 0})
    return EXIT_OK


if __name__ == "__main__":
    sys.setrecursionlimit(100000)
    sys.exit(serve() if sys.argv[1:] == ["--serve"] else run_once(os.environ))
