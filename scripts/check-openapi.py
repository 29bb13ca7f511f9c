#!/usr/bin/env python3
"""Checks the service's responses against docs/openapi.json.

Starts redflag-serve (the binary given, default .build/debug/redflag-serve) on a free loopback port with a token
and small limits, sends a request for every documented path and every error the service answers (400, 401, 404,
405, 413, 503), and validates each response's status and JSON body against the schema the document gives for
that path, method and status (JSON Schema 2020-12, the dialect of OpenAPI 3.1). Also checks the document itself
with openapi-spec-validator when it is installed.

Usage: scripts/check-openapi.py [BINARY]
"""
import http.client, json, os, pathlib, re, subprocess, sys, tempfile, time

import jsonschema

root = pathlib.Path(__file__).resolve().parent.parent
binary = sys.argv[1] if len(sys.argv) > 1 else str(root / ".build/debug/redflag-serve")
document = json.loads((root / "docs/openapi.json").read_text(encoding="utf-8"))
canary = "REDFLAG-CANARY-7F3A9C2E-RECRUITMENT-SCAM-TEST"
token = "openapi-check-token"

try:
    from openapi_spec_validator import validate as validate_spec
except ImportError:
    validate_spec = None
if validate_spec:
    validate_spec(document)


def pointer(*parts):
    return "#/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def response_schema(path, method, status):
    """The JSON schema the document gives for this answer, as a $ref into the document, or None for non-JSON."""
    responses = document["paths"][path][method]["responses"]
    key = str(status) if str(status) in responses else "default"
    if key not in responses:
        raise AssertionError(f"{method.upper()} {path} answered {status}, which the document does not list")
    response = responses[key]
    parts = ["paths", path, method, "responses", key]
    if "$ref" in response:
        parts = response["$ref"][2:].split("/")
        response = document["components"]["responses"][parts[-1]]
    content = response.get("content", {})
    if "application/json" not in content:
        return None
    return pointer(*parts, "content", "application/json", "schema")


def validate(path, method, status, body, content_type):
    ref = response_schema(path, method, status)
    if ref is None:
        assert content_type.startswith("text/plain"), content_type
        return
    assert content_type == "application/json", f"{method} {path}: content type {content_type}"
    schema = dict(document)
    schema["$ref"] = ref
    jsonschema.Draft202012Validator(schema).validate(json.loads(body))


log = tempfile.NamedTemporaryFile(prefix="redflag-openapi-", suffix=".log", delete=False)
token_file = tempfile.NamedTemporaryFile("w", prefix="redflag-token-", delete=False)
token_file.write(token + "\n")
token_file.close()
server = subprocess.Popen(
    [binary, "--port", "0", "--token-file", token_file.name, "--max-batch", "256", "--max-body-bytes", "400000",
     "--max-text-bytes", "1000", "--request-timeout", "0.3"],
    stdout=subprocess.DEVNULL, stderr=log)
port = None
for _ in range(3000):
    match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", pathlib.Path(log.name).read_text())
    if match:
        port = int(match.group(1))
        break
    if server.poll() is not None:
        break
    time.sleep(0.02)
if port is None:
    print(pathlib.Path(log.name).read_text(), file=sys.stderr)
    sys.exit("check-openapi: the server did not start")

auth = {"Authorization": f"Bearer {token}"}
slow_text = "Recharge 100 USDT to unlock your tasks, message me on Telegram. " * 15
cases = [
    # (method, path, documented path, body, headers, expected status)
    ("GET", "/healthz", "/healthz", None, {}, 200),
    ("GET", "/v1/rules", "/v1/rules", None, auth, 200),
    ("GET", "/v1/tactics", "/v1/tactics", None, auth, 200),
    ("GET", "/metrics", "/metrics", None, auth, 200),
    ("GET", "/openapi.json", "/openapi.json", None, auth, 200),
    ("POST", "/v1/classify", "/v1/classify", {"id": "a", "text": canary}, auth, 200),
    ("POST", "/v1/classify", "/v1/classify", {"text": "Travail simple : rechargez 350 USDT puis écrivez sur Telegram, t.me/job"}, auth, 200),
    ("POST", "/v1/classify", "/v1/classify", {"texts": [canary, 5, None, "x" * 1001]}, auth, 200),
    ("POST", "/v1/classify", "/v1/classify", {"records": [{"id": 1, "text": canary}, {"id": "b"}, "s", {"text": "hi", "language": "en"}]}, auth, 200),
    ("POST", "/v1/classify", "/v1/classify", b"{not json", auth, 400),
    ("POST", "/v1/classify", "/v1/classify", {"text": 5}, auth, 400),
    ("POST", "/v1/classify", "/v1/classify", {"texts": ["a"] * 257}, auth, 413),
    ("POST", "/v1/classify", "/v1/classify", {"text": "y" * 1001}, auth, 413),
    ("POST", "/v1/classify", "/v1/classify", {"text": "z" * 500000}, auth, 413),
    ("POST", "/v1/classify", "/v1/classify", {"texts": [slow_text] * 256}, auth, 503),
    ("POST", "/v1/classify", "/v1/classify", {"text": canary}, {}, 401),
    ("GET", "/v1/rules", "/v1/rules", None, {"Authorization": "Bearer nope"}, 401),
    ("GET", "/v1/classify", "/v1/classify", None, auth, 405),
    ("DELETE", "/healthz", "/healthz", None, {}, 405),
    ("GET", "/nope", "/healthz", None, auth, 404),  # no path documents a 404: the `default` error applies
]
failures = 0
try:
    for method, path, documented, body, headers, expected in cases:
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        connection.close()
        try:
            assert response.status == expected, f"status {response.status}, expected {expected}: {payload[:200]!r}"
            # A method the path does not answer: its one operation documents the 405.
            operation = method.lower() if method.lower() in document["paths"][documented] else next(iter(document["paths"][documented]))
            validate(documented, operation, response.status, payload, response.getheader("Content-Type", ""))
        except (AssertionError, jsonschema.ValidationError) as error:
            failures += 1
            print(f"check-openapi: {method} {path} -> {response.status}: {str(error).splitlines()[0]}", file=sys.stderr)
finally:
    server.terminate()
    server.wait(timeout=30)
    os.unlink(token_file.name)
    os.unlink(log.name)
print(f"check-openapi: {len(cases)} responses checked against docs/openapi.json")
print(f"openapi: {len(cases) - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
