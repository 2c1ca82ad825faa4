"""
The MCP session of docs/mcp.md, driven by the independent Python client (the `mcp` package on PyPI):
start `eks-doctor mcp` over stdio exactly as the docs configure it, initialise, list the tools,
diagnose the demo cluster live, fetch its root cause by key, compare two reports. Prints one JSON
object with what it saw; test/mcp/python-client.test.ts checks it.

Usage: python3 python_session.py NODE BIN DIR
"""
import asyncio
import json
import sys

from mcp import ClientSession, StdioServerParameters, stdio_client


async def main(node: str, bin_path: str, directory: str) -> None:
    params = StdioServerParameters(command=node, args=[bin_path, "mcp", "--dir", directory], env={"PATH": "", "AWS_EC2_METADATA_DISABLED": "true", "HOME": directory})
    seen: dict = {"progress": []}
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write, read_timeout_seconds=120) as session:
            init = await session.initialize()
            seen["protocolVersion"] = init.protocol_version
            seen["server"] = init.server_info.name
            tools = await session.list_tools()
            seen["tools"] = sorted(t.name for t in tools.tools)
            seen["annotations"] = {t.name: {"readOnlyHint": t.annotations.read_only_hint, "destructiveHint": t.annotations.destructive_hint} for t in tools.tools}

            async def on_progress(progress, total, message):
                seen["progress"].append(message)

            diagnosis = await session.call_tool("diagnose", {"demo": "node-role-not-mapped"}, progress_callback=on_progress)
            seen["diagnoseIsError"] = bool(diagnosis.is_error)
            result = diagnosis.structured_content
            seen["rootCauses"] = [r["key"] for r in result["rootCauses"]]
            finding = await session.call_tool("get_finding", {"key": result["rootCauses"][0]["key"]})
            seen["fixCommands"] = finding.structured_content["fix"]["commands"]
            seen["fixAlternatives"] = [way["summary"] for way in finding.structured_content["fix"].get("alternatives", [])]
            healthy = await session.call_tool("diagnose", {"snapshot": "baseline.json"})
            compared = await session.call_tool("compare_reports", {"before": result["reportId"], "after": healthy.structured_content["reportId"]})
            seen["resolved"] = [f["key"] for f in compared.structured_content["resolved"]]
            try:
                await session.call_tool("apply_fix", {})
                seen["unknownTool"] = "answered"
            except Exception as error:  # the client raises the JSON-RPC error it got
                seen["unknownTool"] = f"{type(error).__name__}: {error}"
    print(json.dumps(seen))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
