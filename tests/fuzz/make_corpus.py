#!/usr/bin/env python3
"""Writes the seed corpus tests/fuzz/corpus/<target>/ (run once; the files are committed). Seeds are real
packets, topics, the lab's payloads and the seed model. $PK/$GPK/$SECRET/$TOKEN/$ORG are replaced by the fuzz
world's generated keys at run time (fuzz_world.hpp)."""
import json, os, struct, sys

HERE = os.path.dirname(os.path.abspath(__file__))
SEED_MODEL = os.path.join(HERE, "..", "..", "..", "shared", "seed-data", "enos_model_SmartBattery.json")


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# --- MQTT packets ------------------------------------------------------------------------------------------
def varint(n):
    out = b""
    while True:
        b, n = n % 128, n // 128
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out


def s(x):
    x = x.encode() if isinstance(x, str) else x
    return struct.pack(">H", len(x)) + x


def pkt(first, body):
    return bytes([first]) + varint(len(body)) + body


def connect(cid, user=None, pw=None, will=None, keepalive=60, level=4):
    flags = 0x02 | (0x80 if user else 0) | (0x40 if pw else 0)
    payload = s(cid)
    if will:
        flags |= 0x04 | 0x08  # will, QoS 1
        payload += s(will[0]) + s(will[1])
    payload += (s(user) if user else b"") + (s(pw) if pw else b"")
    return pkt(0x10, s("MQTT") + bytes([level, flags]) + struct.pack(">H", keepalive) + payload)


def publish(topic, payload, qos=0, pid=1, retain=False, dup=False):
    first = 0x30 | (qos << 1) | (1 if retain else 0) | (8 if dup else 0)
    return pkt(first, s(topic) + (struct.pack(">H", pid) if qos else b"") + payload.encode())


def subscribe(pid, filters):
    return pkt(0x82, struct.pack(">H", pid) + b"".join(s(f) + bytes([q]) for f, q in filters))


def unsubscribe(pid, filters):
    return pkt(0xA2, struct.pack(">H", pid) + b"".join(s(f) for f in filters))


MP_POST = json.dumps({"id": "1", "version": "1.0", "method": "thing.measurepoint.post",
                      "params": {"measurepoints": {"temp": 45.5, "voltage": 4.47, "cycle_number": 3},
                                 "time": 1700000000000}})
TOPIC = "/sys/pk123456/battery02/thing/measurepoint/post"
CID = "battery02|securemode=2,signmethod=sha256,timestamp=1700000000000|"
TAIL = b"\x07\x00\x00\x00\x00"  # chunk seed (4 bytes) then the limit index (1 byte): FuzzedDataProvider reads the end
mqtt = {
    "connect": connect(CID, "battery02&pk123456", "a" * 64),
    "connect_will": connect("c1", will=("/will", "bye"), keepalive=0),
    "connect_v5": connect("c2", level=5),
    "connect_no_client_id": connect(""),
    "connack": pkt(0x20, b"\x00\x00"),
    "publish_qos0": publish(TOPIC, MP_POST),
    "publish_qos1": publish(TOPIC, MP_POST, qos=1, pid=42),
    "publish_retain_dup": publish("a/b", "x", qos=1, pid=7, retain=True, dup=True),
    "publish_qos2": publish("a/b", "x", qos=2, pid=9),
    "publish_empty": publish("t", ""),
    "puback": pkt(0x40, b"\x00\x2a"),
    "subscribe": subscribe(1, [("/sys/pk123456/battery02/thing/service/+", 1), ("/sys/pk123456/battery02/#", 0)]),
    "suback": pkt(0x90, b"\x00\x01\x01\x80"),
    "unsubscribe": unsubscribe(2, ["/sys/pk123456/battery02/#"]),
    "unsuback": pkt(0xB0, b"\x00\x02"),
    "pingreq": pkt(0xC0, b""),
    "pingresp": pkt(0xD0, b""),
    "disconnect": pkt(0xE0, b""),
    "remaining_length_4_bytes": b"\x30\xff\xff\xff\x7f",
    "remaining_length_5_bytes": b"\x30\xff\xff\xff\xff\x01",
}
mqtt["session"] = (mqtt["connect"] + mqtt["subscribe"] + mqtt["publish_qos1"] + mqtt["pingreq"] +
                   mqtt["publish_qos0"] + mqtt["disconnect"])
for name, data in mqtt.items():
    write("mqtt_decoder", name, data + TAIL)
write("mqtt_decoder", "session_small_limit", mqtt["session"] + b"\x05\x00\x00\x00\x01")

# --- topics ---------------------------------------------------------------------------------------------------
topics = [
    "/sys/pk123456/battery02/thing/measurepoint/post", "/sys/pk123456/battery02/thing/measurepoint/post/batch",
    "/sys/pk123456/battery02/thing/measurepoint/resume", "/sys/pk/dk/thing/measurepoint/resume/batch",
    "/sys/pk/dk/thing/event/overheat/post", "/sys/pk/dk/thing/attribute/update", "/sys/pk/dk/thing/attribute/query",
    "/sys/pk/dk/thing/tag/delete", "/sys/pk/dk/thing/tsltemplate/get", "/sys/pk/dk/thing/model/up_raw",
    "/sys/pk/dk/thing/device/register", "/sys/pk/dk/thing/topo/add", "/ext/session/pk/dk/combine/login",
    "/ext/session/pk/dk/combine/login/batch", "/ext/session/pk/dk/combine/logout",
    "/sys/pk/dk/thing/service/high_frequency_report_service_reply",
    "/sys/pk/dk/thing/service/measurepoint/set_reply", "/sys/pk/dk/thing/service/measurepoint/get_reply",
    "/sys/pk/dk/thing/model/down_raw_reply", "/ext/session/pk/dk/thing/activate/info_reply",
    "/ext/session/pk/dk/combine/enable_reply", "/sys/pk/integration/measurepoint/post",
    "/sys/pk/integration/event/post", "/sys/pk/integration/thing/measurepoint/post", "/sys/pk/dk/ota/device/inform",
    "/sys/pk/dk/", "/sys//dk/thing/measurepoint/post", "/sys/+/dk/#", "/sys/pk/dk/#", "/ext/session/pk/dk",
]
for i, t in enumerate(topics):
    write("topic_parser", f"topic_{i:02d}", t)
write("topic_parser", "format_keys", "pk123456\nbattery02\nhigh_frequency_report_service")
write("topic_parser", "format_odd_keys", "p/k\n+\nmeasurepoint")

# --- logins ---------------------------------------------------------------------------------------------------
logins = {
    "device_right_sign": f"battery02|securemode=2,signmethod=sha256,timestamp=1700000000000|\nbattery02&$PK\n$SIGN",
    "device_right_sign_upper": f"{{ip=10.0.0.1,mac=aa}}|securemode=2,signmethod=hmacsha1,timestamp=1.7e9|\nbattery02&$PK\n$SIGNUP",
    "device_md5": "x| securemode=2 , signmethod=MD5 , timestamp=17 |\nbattery01&$PK\n$SIGN",
    "device_wrong_sign": "battery02|securemode=2,signmethod=sha256,timestamp=1|\nbattery02&$PK\n00",
    "dynamic_activation": "battery02|securemode=3,signmethod=sha256,timestamp=1|\nbattery02&$PK\n$SIGN",
    "integration": "chan|securemode=4,signmethod=sha256,timestamp=1|\n%channel%&$PK\n$SIGN",
    "gateway": "gateway01|securemode=2,signmethod=sha1,timestamp=1700000000|\ngateway01&$GPK\n$SIGN",
    "no_timestamp": "id|securemode=2,signmethod=sha256|\nbattery02&$PK\nx",
    "bad_username": "id|securemode=2,signmethod=sha256,timestamp=1|\nbattery02&&$PK\nx",
    "no_password": "id|securemode=2,signmethod=sha256,timestamp=1|\nbattery02&$PK",
}
for name, data in logins.items():
    write("login_parser", name, data)

# --- device payloads (selector byte = index in device_json_fuzz.cpp kOps) -----------------------------------
OPS = ["mp_post", "mp_batch", "mp_resume", "mp_resume_batch", "event", "attr_query", "attr_update", "attr_delete",
       "tag_query", "tag_update", "tag_delete", "tsl_get", "topo_add", "topo_delete", "topo_get", "register",
       "int_mp", "int_event", "int_attr", "sub_login", "sub_login_batch", "service_reply"]


def req(method, params, **extra):
    return json.dumps({"id": "123", "version": "1.0", "method": method, "params": params, **extra})


device = {
    ("mp_post", "lab"): req("thing.measurepoint.post", {"measurepoints": {"temp": 45.5, "voltage": 4.47,
                                                                          "cycle_number": 3, "health_level": 0},
                                                        "time": 1700000000000}),
    ("mp_post", "quality"): req("thing.measurepoint.post", {"measurepoints": {"temp": {"value": 1.5, "quality": 9},
                                                                              "ghost": 1}},
                                skipInvalidMeasurepoints="true"),
    ("mp_batch", "sub"): req("thing.measurepoint.post.batch", [
        {"productKey": "$PK", "deviceKey": "battery01", "measurepoints": {"temp": 1.0}, "time": 1700000000000},
        {"measurepoints": {"voltage": 3.3}}], allowOfflineSubDevice="true"),
    ("mp_resume", "lab"): req("thing.measurepoint.resume", {"measurepoints": {"current": -2.5}, "time": 1}),
    ("attr_query", "all"): req("thing.attribute.query", ["Capacity", "longitude"]),
    ("attr_update", "lab"): req("thing.attribute.update", {"attributes": {"Capacity": 75.5, "UpperLimitTemp": 48}}),
    ("attr_delete", "lab"): req("thing.attribute.delete", {"attributes": ["Capacity"]}),
    ("tag_update", "lab"): req("thing.tag.update", [{"tagKey": "site", "tagValue": "lab"}]),
    ("tag_query", "lab"): req("thing.tag.query", {"tags": ["site"]}),
    ("tag_delete", "lab"): req("thing.tag.delete", {"tags": ["site"]}),
    ("tsl_get", "lab"): req("thing.tsltemplate.get", {}),
    ("topo_add", "sub"): req("thing.topo.add", [{"productKey": "$PK", "deviceKey": "battery02", "clientId": "c1",
                                                  "timestamp": "1", "signMethod": "sha256", "sign": "00"}]),
    ("topo_delete", "sub"): req("thing.topo.delete", [{"productKey": "$PK", "deviceKey": "battery02"}]),
    ("topo_get", "all"): req("thing.topo.get", {}),
    ("register", "one"): req("thing.device.register", [{"productKey": "$PK", "deviceName": {"defaultValue": "cell A"},
                                                         "timezone": "+08:00"}]),
    ("int_mp", "two"): req("integration.measurepoint.post", [
        {"deviceKey": "battery02", "time": 1700000000000, "measurepoints": {"temp": 30.0}},
        {"deviceKey": "battery01", "measurepoints": {"voltage": 1}}]),
    ("int_event", "one"): req("integration.event.post", [{"deviceKey": "battery02", "time": 1,
                                                          "events": {"overheat": {"temp": 88.5}}}]),
    ("int_attr", "one"): req("integration.attribute.post", [{"deviceKey": "battery02", "attributes": {"Capacity": 75.5}}]),
    ("sub_login", "python"): req("combine.login", {"productKey": "$PK", "deviceKey": "battery01", "clientId": "c",
                                                   "timestamp": "1700000000000", "signMethod": "hmacsha256",
                                                   "sign": "00", "secureMode": "2", "cleanSession": "False"}),
    ("sub_login_batch", "python"): req("combine.login.batch", {
        "clientId": "login.batch", "timestamp": "1700000000.5", "signMethod": "sha1",
        "subDevices": [{"productKey": "$PK", "deviceKey": "battery01", "secureMode": "3", "sign": "ab"}]}),
}
for (op, name), payload in device.items():
    write("device_json", f"{op}_{name}", bytes([OPS.index(op)]) + payload.encode())
write("device_json", "event_overheat", bytes([OPS.index("event")]) + b"overheat\n" +
      req("thing.event.post", {"events": {"temp": 88.5}, "time": 1}).encode())
for name, reply in {"ok": {"id": "7", "code": 200, "data": {"result": 1}},
                    "python_1101": {"id": 7, "code": "1101", "message": "no handler", "data": ""}}.items():
    write("device_json", f"service_reply_{name}", bytes([OPS.index("service_reply")]) +
          b"high_frequency_report_service\n" + json.dumps(reply).encode())

# --- models ---------------------------------------------------------------------------------------------------
with open(SEED_MODEL, "rb") as f:
    seed = f.read()
write("model_importer", "console_seed_model", b"\x00" + seed)
api_model = {
    "modelId": "Api1", "name": {"defaultValue": "api", "i18nValue": {}}, "desc": "", "category": "Demo",
    "modelIdPath": "/Api1",
    "attributes": {"Capacity": {"identifier": "Capacity", "name": {"defaultValue": "c"}, "dataType": "DOUBLE",
                                "dataDefinition": json.dumps({"minimum": 0, "maximum": 100}), "isRequired": False}},
    "measurepoints": {
        "temp": {"identifier": "temp", "name": {"defaultValue": "t"}, "dataType": "FLOAT", "signalType": "AI",
                 "hasQuality": False, "dataDefinition": None},
        "state": {"identifier": "state", "name": {"defaultValue": "s"}, "dataType": "ENUM", "signalType": "DI",
                  "dataDefinition": json.dumps({"enumType": "INT", "enumDesc": {"0": {"defaultValue": "off"}}})},
        "cells": {"identifier": "cells", "name": {"defaultValue": "c"}, "dataType": "ARRAY",
                  "dataDefinition": json.dumps({"itemType": "INT", "itemDataDefinition": None})}},
    "services": {"reset": {"identifier": "reset", "name": {"defaultValue": "r"}, "callType": "SYNC",
                           "inputData": [{"identifier": "delay", "dataType": "INT", "isRequired": True}],
                           "outputData": []}},
    "events": {"overheat": {"identifier": "overheat", "name": {"defaultValue": "o"}, "eventType": "WARN",
                            "outputData": [{"identifier": "info", "dataType": "STRUCT", "dataDefinition": json.dumps(
                                {"items": [{"identifier": "t", "dataType": "STRING", "required": True,
                                            "dataDefinition": json.dumps({"maxLength": 8})}],
                                 "allowAdditionalItem": False})}]}},
    "tags": {"site": "lab"}, "allowAdditionalAttribute": False, "allowAdditionalMeasurepoint": True,
}
write("model_importer", "api_model", b"\x01" + json.dumps(api_model).encode())
write("model_importer", "console_minimal", b"\x00" + json.dumps({"thingModelId": "M1"}).encode())
write("model_importer", "api_minimal", b"\x01" + json.dumps({"modelId": "M1"}).encode())

# --- HTTP requests --------------------------------------------------------------------------------------------
B = "Bearer $TOKEN"
http = {
    "healthz": "GET /healthz\n\n",
    "model_import": f"POST /model-service/v2.1/thing-models?action=import&orgId=$ORG\n{B}\n" + seed.decode("utf-8-sig"),
    "model_create_api": f"POST /model-service/v2.1/thing-models?action=create\n{B}\n" + json.dumps(api_model),
    "model_get": f"GET /model-service/v2.1/thing-models?action=get&modelId=SmartBattery0717\n{B}\n",
    "model_search": f"POST /model-service/v2.1/thing-models?action=search\n{B}\n" + json.dumps(
        {"expression": "modelId like 'Smart%'", "pagination": {"pageNo": 1, "pageSize": 10}}),
    "product_create": f"POST /connect-service/v2.1/products?action=create\n{B}\n" + json.dumps(
        {"productName": {"defaultValue": "p"}, "productType": "Device", "modelId": "SmartBattery0717",
         "dataFormat": "Json"}),
    "product_get": f"GET /connect-service/v2.1/products?action=get&productKey=$PK\n{B}\n",
    "device_create": f"POST /connect-service/v2.1/devices?action=create\n{B}\n" + json.dumps(
        {"productKey": "$PK", "deviceName": {"defaultValue": "d"}, "timezone": "+08:00",
         "deviceAttributes": {"Capacity": 1.5}, "deviceTags": {"a": "b"}}),
    "device_get": f"GET /connect-service/v2.1/devices?action=get&productKey=$PK&deviceKey=battery02\n{B}\n",
    "device_search": f"POST /connect-service/v2.1/devices?action=search\n{B}\n" + json.dumps(
        {"expression": "productKey = '$PK' and status in ('online','offline')",
         "pagination": {"pageNo": 1, "pageSize": 2, "sorters": [{"field": "createTime", "order": "DESC"}]}}),
    "device_update": f"POST /connect-service/v2.1/devices?action=update&productKey=$PK&deviceKey=battery02\n{B}\n" +
                     json.dumps({"device": {"deviceAttributes": {"Capacity": 2}}, "isPatchUpdate": True}),
    "query_latest": f"POST /connect-service/v2.1/measurepoints?action=queryLatest&productKey=$PK&deviceKey=battery02\n{B}\n{{}}",
    "tsdb_raw": f"GET /tsdb-service/v2.1/ai-raw?orgId=$ORG&modelId=SmartBattery0717&assetIds=x&measurepoints=temp"
                f"&startTime=2024-01-01%2000:00:00&endTime=2024-01-02%2000:00:00&pageSize=10&timeWithTimezone=true\n{B}\n",
    "storage_group_create": f"POST /tsdb-policy/v2.1/storage-groups?action=create\n{B}\n" + json.dumps(
        {"name": "lab", "modelIds": ["SmartBattery0717"]}),
    "command_invoke": f"POST /connect-service/v2.1/commands?action=invokeService&productKey=$PK&deviceKey=battery02"
                      f"&serviceId=high_frequency_report_service&timeout=1&pendingTtl=0\n{B}\n" +
                      json.dumps({"inputData": {"interval": 2}}),
    "event_search": f"POST /connect-service/v2.1/events?action=search\n{B}\n" + json.dumps(
        {"startTime": "2024-01-01 00:00:00", "endTime": "2024-01-02 00:00:00", "pagination": {"pageSize": 10}}),
    "topo_add": f"POST /connect-service/v2.1/device-topos?action=addSubDevice&productKey=$GPK&deviceKey=gateway01\n{B}\n" +
                json.dumps({"subDevices": [{"productKey": "$PK", "deviceKey": "battery02"}]}),
    "session_login": "POST /iam-service/v2.1/sessions?action=login\n\n" + json.dumps({"username": "a", "password": "b"}),
    "apim_token": "POST /apim-token-service/v2.0/token/get\n\n" + json.dumps(
        {"appKey": "k", "encryption": "00", "timestamp": 1700000000000}),
    "no_auth": "GET /connect-service/v2.1/devices?action=get\n\n",
    "bad_target": "GET /a%zz?&&=\n\n",
    "system_stats": f"GET /system/v2.1/stats?action=get\n{B}\n",
}
for name, data in http.items():
    write("http_request", name, data)
print("corpus written under", os.path.join(HERE, "corpus"))
