#!/usr/bin/env python3
"""t7039-push-burst.py: the vendor's pushes, N at once (a helper of the
t70xx tests and of bench/callback-pool.sh, not a test of its own).

usage: t7039-push-burst.py PORT TOKEN COUNT [FIRST [TIMEOUT]]

Opens COUNT connections to 127.0.0.1:PORT at once and sends on each one
POST /callback/import?token=TOKEN with a distinct push (vendor task ids
FIRST, FIRST+1, ... as 32 hex digits; import_mark totalCount = the number,
so that each row can be told from the others). Prints one line per push,
"STATUS MILLISECONDS VENDOR_TASK_ID", in the order they were sent; status
000 when there was no answer within TIMEOUT seconds (default 30).
"""
import asyncio
import sys
import time


def body(n):
    mark = ('{"totalCount":%d,"successCount":%d,"failCount":0,'
            '"blacklistCount":0,"repeatCount":0,"filterCount":0,'
            '"shiCount":%d,"kongCount":0,"tingjiCount":0,"kuwuCount":0,'
            '"chenmoCount":0,"fenxianCount":0,"chaopinCount":0}' % (n, n, n))
    return ('{"dial_task_main_sn":"dial_task_main_sn|%032x","import_mark":%s}'
            % (n, mark)).encode()


async def one(port, token, n, timeout, start, results, i):
    b = body(n)
    req = (b'POST /callback/import?token=' + token.encode() +
           b' HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: push-burst\r\n'
           b'Content-Type: application/json; charset=utf-8\r\n'
           b'Content-Length: ' + str(len(b)).encode() +
           b'\r\nConnection: close\r\n\r\n' + b)
    await start.wait()
    t0 = time.monotonic()
    status = '000'
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection('127.0.0.1', port), timeout)
        writer.write(req)
        await writer.drain()
        line = await asyncio.wait_for(reader.readline(), timeout)
        parts = line.split()
        if len(parts) >= 2:
            status = parts[1].decode()
        await asyncio.wait_for(reader.read(), timeout)
        writer.close()
    except (OSError, asyncio.TimeoutError):
        pass
    results[i] = (status, (time.monotonic() - t0) * 1000.0, n)


async def main():
    port, token, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    first = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    timeout = float(sys.argv[5]) if len(sys.argv) > 5 else 30.0
    results = [None] * count
    start = asyncio.Event()
    tasks = [asyncio.create_task(one(port, token, first + i, timeout, start,
                                     results, i)) for i in range(count)]
    await asyncio.sleep(0)
    start.set()
    await asyncio.gather(*tasks)
    for status, ms, n in results:
        print('%s %.1f %032x' % (status, ms, n))


asyncio.run(main())
