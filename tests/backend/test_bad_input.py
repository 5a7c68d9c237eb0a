"""Bad input gets the contract's status and code (docs/BACKEND.md), never a 500,
and the backend answers /healthz after all of it."""

import gzip
import http.client
import json

import pytest

from conftest import assert_error, assert_no_secrets, request

VOIP = ["/voip/join", "/voip/heartbeat", "/voip/members", "/voip/leave", "/voip/explain"]


@pytest.fixture(scope="module")
def token(backend, wechat):
    return backend.login(wechat)[0]


@pytest.mark.parametrize("path", VOIP)
@pytest.mark.parametrize(
    "auth",
    [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer not-a-token",
     "Bearer " + "A" * 43, "Bearer " + "A" * 44, "Token " + "A" * 43, "Bearer\t" + "A" * 43],
)
def test_unauthenticated(backend, path, auth):
    headers = {} if auth is None else {"Authorization": auth}
    r = backend.call("POST", path, {"groupId": "room-1"}, headers=headers)
    assert_error(r, 401, "UNAUTHENTICATED")


def test_unauthenticated_before_the_body(backend):
    # No token: 401 whatever the body is (malformed, huge, wrong type).
    assert_error(backend.call("POST", "/voip/join", raw=b"{nope", headers={"Content-Type": "application/json"}), 401, "UNAUTHENTICATED")
    assert_error(backend.call("POST", "/voip/join", raw=b"x" * 100_000, headers={"Content-Type": "text/plain"}), 401, "UNAUTHENTICATED")


def test_bearer_scheme_is_case_insensitive(backend, token):
    r = backend.call("POST", "/voip/leave", {"groupId": "room-1"}, headers={"Authorization": "bearer " + token})
    assert r.status == 200, r


WRONG_TYPES = [
    ("/voip/join", {}, "INVALID_GROUP_ID"),
    ("/voip/join", {"groupId": 5}, "INVALID_GROUP_ID"),
    ("/voip/join", {"groupId": None}, "INVALID_GROUP_ID"),
    ("/voip/join", {"groupId": ["room-1"]}, "INVALID_GROUP_ID"),
    ("/voip/join", {"groupId": {"$ne": 1}}, "INVALID_GROUP_ID"),
    ("/voip/join", {"groupId": "room-1", "roomType": 1}, "INVALID_ROOM_TYPE"),
    ("/voip/join", {"groupId": "room-1", "roomType": None}, "INVALID_ROOM_TYPE"),
    ("/voip/join", {"groupId": "room-1", "roomType": "audio"}, "INVALID_ROOM_TYPE"),
    ("/voip/join", {"__proto__": {"groupId": "room-1"}}, "INVALID_GROUP_ID"),
    ("/voip/heartbeat", {"groupId": True}, "INVALID_GROUP_ID"),
    ("/voip/leave", {"groupId": 1.5}, "INVALID_GROUP_ID"),
    ("/voip/members", {"groupId": "room-1"}, "INVALID_REQUEST"),
    ("/voip/members", {"groupId": "room-1", "openIdList": "o1"}, "INVALID_REQUEST"),
    ("/voip/members", {"groupId": "room-1", "openIdList": {"0": "o1"}}, "INVALID_REQUEST"),
    ("/voip/members", {"groupId": "room-1", "openIdList": ["o1", 2]}, "INVALID_MEMBER_ID"),
    ("/voip/members", {"groupId": "room-1", "openIdList": [None]}, "INVALID_MEMBER_ID"),
    ("/voip/members", {"groupId": 7, "openIdList": []}, "INVALID_GROUP_ID"),
    ("/voip/explain", {"errMsg": "x"}, "INVALID_REQUEST"),
    ("/voip/explain", {"errCode": "-1000"}, "INVALID_REQUEST"),
    ("/voip/explain", {"errCode": 1.5}, "INVALID_REQUEST"),
    ("/voip/explain", {"errCode": 1e300}, "INVALID_REQUEST"),
    ("/voip/explain", {"errCode": -1000, "errMsg": 5}, "INVALID_REQUEST"),
    ("/voip/explain", {"errCode": -1000, "groupId": 5}, "INVALID_GROUP_ID"),
    ("/voip/explain", {"errCode": -1000, "groupId": "bad\u0001"}, "INVALID_GROUP_ID"),
]


@pytest.mark.parametrize("path,body,code", WRONG_TYPES)
def test_wrong_types(backend, token, path, body, code):
    assert_error(backend.call("POST", path, body, token=token), 400, code)


def test_open_id_list_named_as_sent(backend, token, wechat):
    t, openid, _ = backend.login(wechat)
    assert backend.call("POST", "/voip/join", {"groupId": "names"}, token=t).status == 200
    r = backend.call("POST", "/voip/members", {"groupId": "names", "openIdList": [openid, "bad id\u0001"]}, token=t)
    assert_error(r, 400, "INVALID_MEMBER_ID")
    assert r.body["message"].startswith("openIdList[1]"), r
    backend.call("POST", "/voip/leave", {"groupId": "names"}, token=t)


@pytest.mark.parametrize(
    "group_id",
    ["", "room\u0001", "room\n1", "\u007f", "tab\there", "x" * 1025, "\u00e9" * 513],
)
def test_invalid_group_id(backend, token, group_id):
    r = backend.call("POST", "/voip/join", {"groupId": group_id}, token=token)
    assert_error(r, 400, "INVALID_GROUP_ID")
    assert_error(backend.call("POST", "/voip/heartbeat", {"groupId": group_id}, token=token), 400, "INVALID_GROUP_ID")


@pytest.mark.parametrize("body,code", [
    ({}, "INVALID_CODE"), ({"code": 5}, "INVALID_CODE"), ({"code": ""}, "INVALID_CODE"),
    ({"code": "a b"}, "INVALID_CODE"), ({"code": "x" * 129}, "INVALID_CODE"), ({"code": ["c"]}, "INVALID_CODE"),
])
def test_login_bad_code(backend, body, code):
    assert_error(backend.call("POST", "/login", body), 400, code)


MALFORMED = [b"{", b"{'groupId': 'x'}", b'{"groupId": "x",}', b"nul", b"\xff\xfe", b'{"groupId": "x"} trailing',
             b"[" * 5000 + b"]" * 4999]


@pytest.mark.parametrize("raw", MALFORMED)
@pytest.mark.parametrize("path", ["/login", "/voip/join"])
def test_malformed_json(backend, token, path, raw):
    r = backend.call("POST", path, raw=raw, token=token, headers={"Content-Type": "application/json"})
    assert_error(r, 400, "INVALID_JSON")


@pytest.mark.parametrize("raw", [b"null", b"3", b'"room-1"', b"true"])
def test_not_an_object_is_malformed(backend, token, raw):
    # strict JSON: only objects and arrays are bodies
    r = backend.call("POST", "/voip/join", raw=raw, token=token, headers={"Content-Type": "application/json"})
    assert_error(r, 400, "INVALID_JSON")


@pytest.mark.parametrize("raw", [b"[]", b'[{"groupId": "room-1"}]'])
def test_array_body(backend, token, raw):
    r = backend.call("POST", "/voip/join", raw=raw, token=token, headers={"Content-Type": "application/json"})
    assert_error(r, 400, "INVALID_REQUEST")


def test_deep_nesting_in_an_object(backend, token):
    raw = b'{"groupId": "room-1", "x": ' + b"[" * 7000 + b"]" * 7000 + b"}"
    r = backend.call("POST", "/voip/leave", raw=raw, token=token, headers={"Content-Type": "application/json"})
    assert r.status == 200, r


@pytest.mark.parametrize("headers", [{}, {"Content-Type": "application/json"}, {"Content-Type": "text/plain"}])
@pytest.mark.parametrize("path,code", [("/login", "INVALID_CODE"), ("/voip/join", "INVALID_GROUP_ID"),
                                       ("/voip/explain", "INVALID_REQUEST")])
def test_empty_body(backend, token, path, code, headers):
    # An empty body is an empty object: the first missing field's code.
    r = backend.call("POST", path, raw=b"", token=token, headers=headers)
    assert_error(r, 400, code)


@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                                   "application/xml"])
@pytest.mark.parametrize("path", ["/login", "/voip/join"])
def test_wrong_content_type(backend, token, path, ctype):
    raw = json.dumps({"groupId": "room-1", "code": "abc"}).encode()
    r = backend.call("POST", path, raw=raw, token=token, headers={"Content-Type": ctype})
    assert_error(r, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_unsupported_charset_and_encoding(backend, token):
    raw = json.dumps({"groupId": "room-\u00e9"}).encode("latin-1")
    r = backend.call("POST", "/voip/join", raw=raw, token=token, headers={"Content-Type": "application/json; charset=latin1"})
    assert_error(r, 415, "UNSUPPORTED_MEDIA_TYPE")
    r = backend.call("POST", "/voip/join", raw=b"xxxx", token=token,
                     headers={"Content-Type": "application/json", "Content-Encoding": "zstd"})
    assert_error(r, 415, "UNSUPPORTED_MEDIA_TYPE")
    r = backend.call("POST", "/voip/join", raw=b"not gzip", token=token,
                     headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert r.status == 400 and r.body["error"] in ("INVALID_JSON",), r


def test_gzip_bomb_is_too_large(backend, token):
    raw = gzip.compress(b'{"groupId": "' + b"a" * 1_000_000 + b'"}')
    r = backend.call("POST", "/voip/join", raw=raw, token=token,
                     headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert_error(r, 413, "BODY_TOO_LARGE")


@pytest.mark.parametrize("path", ["/login", "/voip/join", "/voip/members"])
def test_one_mib_body(backend, token, path):
    raw = b'{"groupId": "' + b"a" * (1 << 20) + b'"}'
    r = backend.call("POST", path, raw=raw, token=token, headers={"Content-Type": "application/json"})
    assert_error(r, 413, "BODY_TOO_LARGE")


def test_just_over_16_kib(backend, token):
    pad = 16 * 1024 - len(b'{"groupId": "room-1", "x": ""}')
    ok = b'{"groupId": "room-1", "x": "' + b"a" * pad + b'"}'
    assert len(ok) == 16 * 1024
    assert backend.call("POST", "/voip/leave", raw=ok, token=token, headers={"Content-Type": "application/json"}).status == 200
    over = ok[:-2] + b'a"}'
    r = backend.call("POST", "/voip/leave", raw=over, token=token, headers={"Content-Type": "application/json"})
    assert_error(r, 413, "BODY_TOO_LARGE")


def test_chunked_body_over_the_limit(backend, token):
    conn = http.client.HTTPConnection("127.0.0.1", backend.port, timeout=10)

    def chunks():
        yield b'{"groupId": "'
        for _ in range(64):
            yield b"a" * 1024
        yield b'"}'

    conn.request("POST", "/voip/join", body=chunks(), encode_chunked=True,
                 headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
    r = conn.getresponse()
    body = json.loads(r.read())
    assert r.status == 413 and body["error"] == "BODY_TOO_LARGE", body
    conn.close()


def test_unknown_paths_and_methods(backend, token):
    assert_error(backend.call("GET", "/login"), 404, "NOT_FOUND")
    assert_error(backend.call("GET", "/nope"), 404, "NOT_FOUND")
    assert_error(backend.call("POST", "/voip/nope", {}, token=token), 404, "NOT_FOUND")
    assert_error(backend.call("GET", "/voip/join", token=token), 404, "NOT_FOUND")
    assert_error(backend.call("POST", "/voip/nope", {}), 401, "UNAUTHENTICATED")


def test_healthz_after_everything(backend, wechat):
    r = backend.call("GET", "/healthz")
    assert r.status == 200 and r.body == {"ok": True}
    out = backend.output()
    assert_no_secrets(out, wechat, backend.tokens)
    for line in out.splitlines():
        assert " 500 " not in line, line
