"""Drives the service with the official `openai` Python package; app/test/openai-compat.python.test.ts runs it.

Usage: client.py SCENARIO BASE_URL API_KEY [QUESTION]. Prints one JSON object per line on stdout.
"""
import json
import sys

import openai
from openai import OpenAI

MODEL = "hedera-assistant"


def say(**fields):
    print(json.dumps(fields), flush=True)


def usage_of(usage):
    return None if usage is None else {"prompt": usage.prompt_tokens, "completion": usage.completion_tokens, "total": usage.total_tokens}


def main():
    scenario, base_url, api_key = sys.argv[1:4]
    question = sys.argv[4] if len(sys.argv) > 4 else "How do I mint a token?"
    # No retries: a test must see the first answer the service gives.
    client = OpenAI(base_url=base_url, api_key=api_key, max_retries=0)
    messages = [{"role": "user", "content": question}]

    if scenario == "models":
        say(ids=[m.id for m in client.models.list()])
    elif scenario == "complete":
        result = client.chat.completions.create(model=MODEL, messages=messages)
        choice = result.choices[0]
        extra = result.model_extra or {}
        say(text=choice.message.content, finish=choice.finish_reason, usage=usage_of(result.usage), model=result.model, object=result.object, hedera=extra.get("hedera"))
    elif scenario == "stream":
        stream = client.chat.completions.create(model=MODEL, messages=messages, stream=True, stream_options={"include_usage": True})
        text, usage, finish, chunks = "", None, None, 0
        for chunk in stream:
            chunks += 1
            if chunk.usage is not None:
                usage = usage_of(chunk.usage)
            for choice in chunk.choices:
                text += choice.delta.content or ""
                finish = choice.finish_reason or finish
        say(text=text, finish=finish, usage=usage, chunks=chunks)
    elif scenario == "stream-error":
        stream = client.chat.completions.create(model=MODEL, messages=messages, stream=True)
        text = ""
        try:
            for chunk in stream:
                text += (chunk.choices[0].delta.content or "") if chunk.choices else ""
            say(error=None, text=text)
        except openai.APIError as error:
            say(error=type(error).__name__, text=text, message=error.message)
    elif scenario == "error":
        try:
            client.chat.completions.create(model=MODEL, messages=messages)
            say(error=None)
        except openai.APIStatusError as error:
            body = error.body if isinstance(error.body, dict) else {}
            say(error=type(error).__name__, status=error.status_code, code=body.get("code"), message=body.get("message"), retry_after=error.response.headers.get("retry-after"))
    elif scenario == "close":
        stream = client.chat.completions.create(model=MODEL, messages=messages, stream=True)
        seen = 0
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                seen += 1
            if seen == 2:
                break
        stream.close()
        say(closed=True, seen=seen)
        # Stay alive until the test saw the upstream abort: the close, not the exit, must cancel it.
        sys.stdin.readline()
    else:
        raise SystemExit(f"unknown scenario {scenario}")


if __name__ == "__main__":
    main()
