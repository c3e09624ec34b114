/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The real-program workloads of test_dropin_programs.c: one shell script
 * each, run by /bin/sh -e in an empty temporary directory (which is also
 * $HOME), once on glibc's malloc and once with the drop-in preloaded;
 * the two runs must print the same thing.  Every script is deterministic
 * (fixed data, fixed git dates and identities, sorted output, hashes
 * instead of bulk text), needs no network, and runs in well under a
 * second on glibc.
 *
 *	wl_python_json		json encode/decode and regular expressions,
 *				with pymalloc and with PYTHONMALLOC=malloc
 *				(every Python object through malloc)
 *	wl_python_threads	a ThreadPoolExecutor of 8 threads hashing
 *				strings built per task, both allocators
 *	wl_gcc			compile, assemble and link a C file; the
 *				object and executable must be the same bytes
 *	wl_git			init, 8 commits, branch, merge, log, blame,
 *				grep, repack, fsck in a fresh repository
 *	wl_sqlite3		a 5000-row table: index, group by, join,
 *				window function, update, delete, vacuum,
 *				integrity check, json
 *	wl_perl			hashes, sort, regexes with /e, Digest::MD5
 *	wl_make			pattern rules, functions and $(shell) with
 *				-j2, an incremental rebuild
 */
#ifndef PTM_DROPIN_WORKLOADS_H
#define PTM_DROPIN_WORKLOADS_H

static const char wl_python_json[] =
	"for mode in pymalloc malloc; do\n"
	"\techo \"PYTHONMALLOC=$mode\"\n"
	"\tPYTHONMALLOC=$mode python3 - <<'EOF'\n"
	"import hashlib, json, re\n"
	"data = [{\"id\": i, \"name\": \"item%d\" % i,\n"
	"         \"tags\": [\"t%d\" % (i % 7), \"x\" * (i % 50)],\n"
	"         \"vals\": list(range(i % 30)), \"f\": i / 7}\n"
	"        for i in range(3000)]\n"
	"s = json.dumps(data, sort_keys=True)\n"
	"assert json.loads(s) == data\n"
	"print(len(s), hashlib.sha256(s.encode()).hexdigest())\n"
	"names = re.findall(r'\"name\": \"(item\\d*7)\"', s)\n"
	"print(len(names), names[:3], names[-1])\n"
	"print(re.sub(r\"\\d+\", lambda m: str(int(m.group()) * 2), s[:200]))\n"
	"pat = re.compile(r\"(?P<k>t[0-6])\\\", \\\"(?P<x>x{10,20})\\\"\")\n"
	"print(sum(len(m.group(\"x\")) for m in pat.finditer(s)))\n"
	"big = {str(i): \"v\" * (i % 1000) for i in range(2000)}\n"
	"print(sum(len(v) for v in json.loads(json.dumps(big)).values()))\n"
	"EOF\n"
	"done\n";

static const char wl_python_threads[] =
	"for mode in pymalloc malloc; do\n"
	"\techo \"PYTHONMALLOC=$mode\"\n"
	"\tPYTHONMALLOC=$mode python3 - <<'EOF'\n"
	"import hashlib, json, threading\n"
	"from concurrent.futures import ThreadPoolExecutor\n"
	"def work(n):\n"
	"    h = hashlib.sha256()\n"
	"    parts = []\n"
	"    for i in range(1200):\n"
	"        parts.append((\"%d-%d,\" % (n, i)) * (i % 40 + 1))\n"
	"        if len(parts) > 64:\n"
	"            parts.pop(0)\n"
	"        h.update(\"\".join(parts[-3:]).encode())\n"
	"    worker = threading.current_thread() is not threading.main_thread()\n"
	"    return n, h.hexdigest(), worker\n"
	"with ThreadPoolExecutor(max_workers=8) as ex:\n"
	"    res = list(ex.map(work, range(24)))\n"
	"for r in res[:4]:\n"
	"    print(*r)\n"
	"print(len(res), all(r[2] for r in res))\n"
	"print(hashlib.sha256(json.dumps(res).encode()).hexdigest())\n"
	"EOF\n"
	"done\n";

static const char wl_gcc[] =
	"cat > t.c <<'EOF'\n"
	"#include <stdio.h>\n"
	"#include <stdlib.h>\n"
	"#include <string.h>\n"
	"\n"
	"struct node { struct node *next; int key; char name[24]; };\n"
	"\n"
	"static int cmp(const void *a, const void *b)\n"
	"{\n"
	"\treturn strcmp(*(char *const *)a, *(char *const *)b);\n"
	"}\n"
	"\n"
	"int main(void)\n"
	"{\n"
	"\tstruct node *head = NULL;\n"
	"\tchar *names[500];\n"
	"\tunsigned long sum = 0;\n"
	"\n"
	"\tfor (int i = 0; i < 500; i++) {\n"
	"\t\tstruct node *n = malloc(sizeof(*n));\n"
	"\t\tn->key = i * 37 % 101;\n"
	"\t\tsnprintf(n->name, sizeof(n->name), \"node-%03d\", n->key);\n"
	"\t\tn->next = head;\n"
	"\t\thead = n;\n"
	"\t\tnames[i] = n->name;\n"
	"\t}\n"
	"\tqsort(names, 500, sizeof(names[0]), cmp);\n"
	"\tfor (struct node *n = head; n; n = n->next)\n"
	"\t\tsum += (unsigned long)n->key * (unsigned long)(n->name[7]);\n"
	"\tprintf(\"%s %s %lu\\n\", names[0], names[499], sum);\n"
	"\treturn 0;\n"
	"}\n"
	"EOF\n"
	"gcc -O2 -Wall -Wextra -c t.c -o t.o\n"
	"gcc -O2 -S t.c -o - | grep -c '^\t' \n"
	"gcc -g -O1 t.c -o t\n"
	"./t\n"
	"sha256sum t.o t\n"
	"gcc -E t.c | wc -l\n";

static const char wl_git[] =
	"export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=Ptm \\\n"
	"\tGIT_AUTHOR_EMAIL=ptm@example.org GIT_COMMITTER_NAME=Ptm \\\n"
	"\tGIT_COMMITTER_EMAIL=ptm@example.org \\\n"
	"\tGIT_AUTHOR_DATE='2020-01-01T00:00:00+0000' \\\n"
	"\tGIT_COMMITTER_DATE='2020-01-01T00:00:00+0000'\n"
	"set -e\n"
	"git init -q -b main repo\n"
	"cd repo\n"
	"git config user.name Ptm\n"
	"git config user.email ptm@example.org\n"
	"git config core.fsync none\n"
	"git config gc.autoDetach false\n"
	"i=1\n"
	"while [ $i -le 8 ]; do\n"
	"\tseq 1 $((i * 40)) | sed \"s/^/line $i: /\" > f$((i % 5)).txt\n"
	"\tprintf 'commit %d\\n' $i >> log.txt\n"
	"\tgit add -A\n"
	"\tgit commit -q -m \"commit $i\"\n"
	"\ti=$((i + 1))\n"
	"done\n"
	"git checkout -q -b side HEAD~3\n"
	"echo side > side.txt\n"
	"git add side.txt\n"
	"git commit -q -m side\n"
	"git checkout -q main\n"
	"git merge -q --no-edit side\n"
	"git log --format='%H %an %ad %s' --date=iso | head -5\n"
	"git log --stat --oneline | tail -8\n"
	"git diff --stat HEAD~4 HEAD\n"
	"git blame -s f1.txt | sed -n '1p;$p'\n"
	"git grep -c 'line 2' | sort\n"
	"git repack -a -d -q\n"
	"git count-objects -v | grep -E '^(count|in-pack|packs|garbage):'\n"
	"git fsck --full --no-progress\n"
	"git rev-list --all | wc -l\n"
	"git cat-file -p HEAD | head -4\n";

static const char wl_sqlite3[] =
	"cat > w.sql <<'EOF'\n"
	"PRAGMA synchronous = OFF;\n"
	"CREATE TABLE t(id INTEGER PRIMARY KEY, k TEXT, v REAL, pad TEXT);\n"
	"WITH RECURSIVE c(x) AS\n"
	"  (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000)\n"
	"INSERT INTO t SELECT x, 'key' || (x % 97), x * 1.5,\n"
	"  printf('%.*c', x % 300, 'z') FROM c;\n"
	"CREATE INDEX t_k ON t(k);\n"
	"CREATE TABLE u AS SELECT k, count(*) AS n, sum(v) AS s FROM t GROUP BY k;\n"
	"SELECT k, n, s FROM u ORDER BY s DESC LIMIT 3;\n"
	"SELECT count(*), sum(length(pad)), max(id) FROM t\n"
	"  WHERE k IN ('key5', 'key50');\n"
	"SELECT t.k, avg(t.v), u.n FROM t JOIN u ON u.k = t.k\n"
	"  WHERE t.id % 1000 = 0 GROUP BY t.k ORDER BY t.k LIMIT 4;\n"
	"SELECT id, sum(v) OVER (ORDER BY id ROWS 3 PRECEDING)\n"
	"  FROM t WHERE id <= 5;\n"
	"UPDATE t SET pad = upper(pad) || k WHERE id % 3 = 0;\n"
	"DELETE FROM t WHERE id % 7 = 0;\n"
	"SELECT count(*), sum(length(pad)) FROM t;\n"
	"SELECT group_concat(k, ',')\n"
	"  FROM (SELECT DISTINCT k FROM t ORDER BY k LIMIT 5);\n"
	"VACUUM;\n"
	"PRAGMA integrity_check;\n"
	"SELECT json_group_array(json_object('k', k, 'n', n))\n"
	"  FROM (SELECT * FROM u ORDER BY k LIMIT 3);\n"
	"EOF\n"
	"sqlite3 -batch db.sqlite < w.sql\n"
	"sqlite3 -batch db.sqlite 'SELECT count(*) FROM t'\n";

static const char wl_perl[] =
	"cat > w.pl <<'EOF'\n"
	"use strict;\n"
	"use warnings;\n"
	"use Digest::MD5 qw(md5_hex);\n"
	"my %h;\n"
	"for my $i (1 .. 10000) {\n"
	"\t$h{\"k$i\"} = join(\",\", map { $_ * $i } 1 .. ($i % 20));\n"
	"}\n"
	"my @s = sort { length($h{$a}) <=> length($h{$b}) or $a cmp $b } keys %h;\n"
	"print scalar(@s), \" $s[0] $s[-1]\\n\";\n"
	"my $text = join(\" \", map { \"word$_\" } 1 .. 8000);\n"
	"my @m = ($text =~ /word(\\d*7)\\b/g);\n"
	"print scalar(@m), \" $m[0] $m[-1]\\n\";\n"
	"(my $t2 = $text) =~ s/(\\d+)/$1*2/ge;\n"
	"print length($t2), \" \", md5_hex($t2), \"\\n\";\n"
	"my @lists = map { [ (1) x ($_ % 100) ] } 1 .. 5000;\n"
	"my $total = 0;\n"
	"$total += scalar(@$_) for @lists;\n"
	"delete $h{\"k$_\"} for grep { $_ % 3 } 1 .. 10000;\n"
	"print \"$total \", scalar(keys %h), \"\\n\";\n"
	"my $str = \"\";\n"
	"$str .= sprintf(\"%05d|\", $_) for 1 .. 20000;\n"
	"print length($str), \" \", substr($str, -12), \"\\n\";\n"
	"EOF\n"
	"perl w.pl\n";

static const char wl_make[] =
	"mkdir -p src\n"
	"for i in 1 2 3 4 5 6 7 8 9 10 11 12; do\n"
	"\tprintf 'item %s\\n' $(seq 1 $((i * 30))) > src/f$i.in\n"
	"done\n"
	"cat > Makefile <<'EOF'\n"
	"INPUTS := $(sort $(wildcard src/*.in))\n"
	"OUTPUTS := $(patsubst src/%.in,out/%.out,$(INPUTS))\n"
	"WORDS := $(foreach f,$(INPUTS),$(notdir $(basename $(f))))\n"
	"COUNT = $(words $(WORDS))\n"
	".PHONY: all\n"
	"all: out/summary.txt\n"
	"\t@echo \"$(COUNT) inputs: $(WORDS)\"\n"
	"\t@cat out/summary.txt\n"
	"out/%.out: src/%.in | out\n"
	"\t@sort -r $< | sed 's/item/ITEM/' > $@\n"
	"\t@wc -l < $@ >> $@\n"
	"out:\n"
	"\t@mkdir -p $@\n"
	"out/summary.txt: $(OUTPUTS)\n"
	"\t@for f in $^; do printf '%s %s\\n' $$f \"$$(tail -1 $$f)\"; done > $@\n"
	"\t@echo \"$(shell cat $^ | wc -c) bytes\" >> $@\n"
	"EOF\n"
	"make -j2 -s all\n"
	"make -s all\n"
	"touch src/f3.in\n"
	"make -j2 -s --no-print-directory all | tail -1\n"
	"make -q all || echo \"make -q: $?\"\n";

#endif /* PTM_DROPIN_WORKLOADS_H */
