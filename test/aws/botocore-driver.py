"""Runs AWS calls with botocore (the aws CLI's own client library) and prints the parsed results.

Reads {"endpoint", "region", "calls": [{"service", "operation", "params"}]} on stdin; prints one
result per call. Paginated operations are read to the end with botocore's own paginators, so the
mock's page tokens are followed by an implementation nobody here wrote. Timestamps come back as
datetimes and are printed in ISO 8601; IAM policy documents come back decoded, as botocore does.
"""
import datetime
import json
import sys

import botocore.session
from botocore.exceptions import ClientError

request = json.load(sys.stdin)
session = botocore.session.get_session()
clients = {}
results = []
for call in request["calls"]:
    service = call["service"]
    if service not in clients:
        clients[service] = session.create_client(service, region_name=request["region"], endpoint_url=request["endpoint"])
    client = clients[service]
    operation = call["operation"]
    method = botocore.xform_name(operation)
    try:
        if client.can_paginate(method):
            result = client.get_paginator(method).paginate(**call["params"]).build_full_result()
        else:
            result = getattr(client, method)(**call["params"])
        result.pop("ResponseMetadata", None)
        results.append({"result": result})
    except ClientError as error:
        results.append({"error": error.response["Error"]["Code"]})


def encode(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    raise TypeError(type(value))


json.dump(results, sys.stdout, default=encode)
