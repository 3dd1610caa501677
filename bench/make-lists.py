#!/usr/bin/python3
# make-lists.py DIR: the 50,000-row list of bench_import as .xls (written
# by xlwt, as older Excel and WPS save) and as .ods (LibreOffice saving
# bench_import's DIR/list-50k.xlsx), next to it in DIR. Debian:
# python3-xlwt, libreoffice-calc-nogui.
import os
import shutil
import subprocess
import sys
import tempfile

import xlwt

CITIES = ["北京", "上海", "广州", "深圳", "成都", "杭州", "武汉", "西安"]
ROWS = 50000


def phone(i):
    """bench_import's phone_text(): as offices write them."""
    n = i - 1 if i % 20 == 19 else i
    k = i % 10
    if k == 3:
        return "135 %04d %04d" % (n // 10000 % 10000, n % 10000)
    if k == 5:
        return "+86 135%08d" % n
    if k == 7:
        return "1.35E+10"
    return "135%08d" % n


def make_xls(path):
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Sheet1")
    for c, t in enumerate(["手机号", "姓名", "城市"]):
        ws.write(0, c, t)
    for i in range(ROWS):
        p = phone(i)
        # Phones typed as numbers in two rows of ten, as in the .xlsx.
        ws.write(i + 1, 0, float(p) if i % 10 in (0, 1) else p)
        ws.write(i + 1, 1, "客户%d" % i)
        ws.write(i + 1, 2, CITIES[i % 8])
    wb.save(path)


def make_ods(xlsx, path):
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["libreoffice", "-env:UserInstallation=file://" + tmp
                        + "/p", "--headless", "--convert-to", "ods",
                        "--outdir", tmp, xlsx], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=600)
        shutil.move(os.path.join(tmp, "list-50k.ods"), path)


def main():
    d = sys.argv[1]
    make_xls(os.path.join(d, "list-50k.xls"))
    make_ods(os.path.join(d, "list-50k.xlsx"), os.path.join(d, "list-50k.ods"))


if __name__ == "__main__":
    main()
