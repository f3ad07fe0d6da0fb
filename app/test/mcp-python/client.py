"""Drives the MCP server with the official `mcp` Python package; prints one JSON object of what it saw.

Usage: client.py http <url> [token] | client.py stdio <node> <repo root>
(app/test/mcp.python.test.ts runs it and checks the output.)
"""
import asyncio
import json
import sys
from contextlib import asynccontextmanager

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

TYPO = "\n".join([
    "import { Client, Hbar, TransferTransaction } from '@hiero-ledger/sdk'",
    "const client = Client.forTestnet()",
    "await new TransferTransaction().addHbarTransfr('0.0.1001', new Hbar(-1)).addHbarTransfer('0.0.1002', new Hbar(1)).execute(client)",
])
WRONG_TYPE = "\n".join([
    "import { TransferTransaction } from '@hiero-ledger/sdk'",
    "const tx = new TransferTransaction().setTransactionMemo(42)",
])
OLD_IMPORT = "import { Client } from '@hashgraph/sdk'\nClient.forTestnet().close()"


# HTTP statuses the server answered with: the client reports a refusal as a JSON-RPC error without its status.
STATUSES = []


async def record_status(response):
    STATUSES.append(response.status_code)


@asynccontextmanager
async def connect(argv):
    if argv[0] == "http":
        headers = {"authorization": f"Bearer {argv[2]}"} if len(argv) > 2 else {}
        async with create_mcp_http_client(headers=headers) as http:
            http.event_hooks["response"].append(record_status)
            async with streamable_http_client(argv[1], http_client=http, terminate_on_close=False) as streams:
                async with ClientSession(streams[0], streams[1]) as session:
                    yield session
    else:
        params = StdioServerParameters(command=argv[1], args=["--import", "tsx", "app/src/mcp/stdio.ts"], cwd=argv[2])
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                yield session


def text_of(result):
    return result.content[0].text if result.content else ""


async def run(argv):
    out = {}
    async with connect(argv) as session:
        init = await session.initialize()
        out["server"] = init.server_info.name
        out["tools"] = sorted(t.name for t in (await session.list_tools()).tools)
        search = await session.call_tool("search_knowledge", {"query": "how do I associate a token with an account"})
        out["search"] = [h["uri"] for h in search.structured_content["hits"]]
        lookup = await session.call_tool("lookup_sdk_api", {"name": "Client.setMaxTransactionFee"})
        out["lookup"] = lookup.structured_content["members"][0]
        check = await session.call_tool("check_code", {"code": TYPO})
        out["check"] = check.structured_content
        out["typeError"] = (await session.call_tool("check_code", {"code": WRONG_TYPE})).structured_content
        out["oldImport"] = (await session.call_tool("check_code", {"code": OLD_IMPORT, "language": "javascript"})).structured_content
        explain = await session.call_tool("explain_status", {"output": "failed precheck with status INVALID_SIGNATURE"})
        out["explain"] = explain.structured_content["statuses"]
        wrong = await session.call_tool("check_code", {"code": 42})
        out["wrongType"] = {"isError": wrong.is_error, "text": text_of(wrong)}
        big = await session.call_tool("check_code", {"code": "x" * 50_001})
        out["oversized"] = {"isError": big.is_error, "text": text_of(big)}
        uris, cursor = [], None
        for _ in range(20):
            page = await session.list_resources(params={"cursor": cursor} if cursor else None)
            uris += [str(r.uri) for r in page.resources]
            cursor = page.next_cursor
            if not cursor:
                break
        out["resources"] = len(uris)
        guide = await session.read_resource("hedera-guide://token-associate")
        out["guideStart"] = guide.contents[0].text[:2]
    print(json.dumps(out))


def main():
    try:
        asyncio.run(run(sys.argv[1:]))
    except BaseException as error:  # an HTTP refusal arrives wrapped in an exception group
        print(json.dumps({"error": repr(error)[:2000], "statuses": STATUSES}))
        sys.exit(3)


main()
