#!/usr/bin/env python3
"""Minimal client for Baton's environment server (`baton env serve`).

Standard library only. It resets a session, runs a trivial policy (call the
first read-only-looking tool once, then answer with what it returned), and
prints the reward. Replace `choose_action` with your model to train or
evaluate it; see README.md for the protocol.

    python3 envclient.py --url http://127.0.0.1:8090 --env tau2-airline --index 0
"""

import argparse
import os
import json
import re
import sys
import urllib.error
import urllib.request

PROTOCOL_VERSION = "1"
READ_PREFIXES = ("get_", "find_", "list_", "search_")


class EnvError(Exception):
    """An error response from the server."""


# TOKEN is the bearer token baton env serve printed at start (or was given).
TOKEN = os.environ.get("BATON_ENV_TOKEN", "")


def call(base, method, path, body=None, timeout=60):
    """Send one request; return the decoded JSON body (None for 204)."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if TOKEN:
        headers["Authorization"] = "Bearer " + TOKEN
    req = urllib.request.Request(base.rstrip("/") + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
    except urllib.error.HTTPError as err:
        raw = err.read()
        try:
            info = json.loads(raw)["error"]
            raise EnvError("%s %s: HTTP %d %s: %s" % (method, path, err.code, info["code"], info["message"])) from None
        except (ValueError, KeyError):
            raise EnvError("%s %s: HTTP %d: %r" % (method, path, err.code, raw[:200])) from None
    if not raw:
        return None
    out = json.loads(raw)
    if out.get("protocol_version") != PROTOCOL_VERSION:
        raise EnvError("server speaks protocol %r, this client %r" % (out.get("protocol_version"), PROTOCOL_VERSION))
    return out


def placeholder_arguments(tool, text):
    """Fill a tool's required parameters from its JSON Schema: an email
    address found in the task text for "email", an enum's first value, else
    a dummy of the right type."""
    schema = tool.get("parameters") or {}
    props = schema.get("properties") or {}
    email = re.search(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text)
    args = {}
    for name in schema.get("required") or []:
        p = props.get(name, {})
        if p.get("enum"):
            args[name] = p["enum"][0]
        elif name == "email" and email:
            args[name] = email.group(0)
        elif p.get("type") in ("integer", "number"):
            args[name] = 1
        elif p.get("type") == "boolean":
            args[name] = False
        else:
            args[name] = "unknown"
    return args


def choose_action(reset, history):
    """The trivial policy: one read tool call, then answer with its result."""
    if not history:
        tools = reset["tools"]
        reads = [t for t in tools if t["name"].startswith(READ_PREFIXES)] or tools
        if reads:
            obs = reset["observation"]
            text = obs.get("instructions") or obs.get("prompt", "")
            return {"tool": reads[0]["name"], "arguments": placeholder_arguments(reads[0], text)}
    last = history[-1]["observation"]["content"] if history else ""
    return {"answer": last}


def run_episode(base, env, task_id=None, index=None, seed=None, max_turns=None):
    body = {"env": env}
    if task_id is not None:
        body["task_id"] = task_id
    if index is not None:
        body["index"] = index
    if seed is not None:
        body["seed"] = seed
    if max_turns is not None:
        body["max_turns"] = max_turns
    reset = call(base, "POST", "/v1/sessions", body)
    sid = reset["session_id"]
    print("session %s env=%s task=%s tools=%d" % (sid, env, reset["task_id"], len(reset["tools"])))
    history = []
    try:
        while True:
            action = choose_action(reset, history)
            step = call(base, "POST", "/v1/sessions/%s/step" % sid, action)
            history.append(step)
            obs = step["observation"]
            what = action.get("tool") or "answer"
            print("turn %d %s error=%s: %s" % (step["turn"], what, obs.get("is_error", False), obs.get("content", "")[:120]))
            if step["done"]:
                score = step.get("score") or {}
                print("done reward=%g correct=%s breakdown=%s" % (float(step["reward"]), score.get("correct", False),
                                                                 json.dumps(score.get("breakdown") or {}, sort_keys=True)))
                return step["reward"]
    finally:
        call(base, "DELETE", "/v1/sessions/%s" % sid)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True, help="server root, e.g. http://127.0.0.1:8090")
    ap.add_argument("--env", help="environment name; default: the first listed")
    ap.add_argument("--task-id")
    ap.add_argument("--index", type=int)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--max-turns", type=int)
    ap.add_argument("--token", help="bearer token (default $BATON_ENV_TOKEN)")
    args = ap.parse_args(argv)
    global TOKEN
    if args.token:
        TOKEN = args.token
    try:
        env = args.env
        if env is None:
            envs = [e["name"] for e in call(args.url, "GET", "/v1/envs")["envs"] if not e.get("prefix")]
            if not envs:
                print("error: the server lists no environments", file=sys.stderr)
                return 2
            env = envs[0]
        run_episode(args.url, env, args.task_id, args.index, args.seed, args.max_turns)
    except (EnvError, urllib.error.URLError) as err:
        print("error: %s" % err, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
