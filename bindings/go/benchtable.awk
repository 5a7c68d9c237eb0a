# Reads `go test -bench . -benchmem -count=N` output, echoes it, then prints a
# summary table (medians of the N runs of each benchmark, with min and max) and
# the speed-ups of the binding over the hand-written Go idiom.
# With BENCH_JSON=path in the environment it also writes those figures as one
# JSON object (the keys of bench/c/bench.c), for `make -C bench all`.
{ print }
/^Benchmark/ {
	name = $1; sub(/^Benchmark/, "", name); sub(/-[0-9]+$/, "", name)
	if (!(name in runs)) order[++n] = name
	r = ++runs[name]
	for (i = 3; i < NF; i++) {
		unit = $(i+1)
		if (unit ~ /\/op$/ || unit ~ /^speedup/) { val[name, unit, r] = $i + 0; has[name, unit] = 1 }
	}
}
# Median, min or max (what = "med", "min", "max") of a metric over a benchmark's runs.
function stat(name, unit, what,    k, m, a, i, j, t) {
	m = 0
	for (k = 1; k <= runs[name]; k++) if ((name, unit, k) in val) a[++m] = val[name, unit, k]
	if (m == 0) return -1
	for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j+1] = a[j]; a[j+1] = t }
	if (what == "min") return a[1]
	if (what == "max") return a[m]
	return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
}
function med(name, unit) { return stat(name, unit, "med") }
function ratio(num, den) { return (num > 0 && den > 0) ? sprintf("%.2fx", num / den) : "n/a" }
function row(label, a, b) {
	if (has[a, "ns/op"] && has[b, "ns/op"])
		printf "| %-44s | %10.0f | %10.0f | %8s |\n", label, med(a, "ns/op"), med(b, "ns/op"), ratio(med(b, "ns/op"), med(a, "ns/op"))
	if (has[a, "cpu-ns/op"] && has[b, "cpu-ns/op"])
		printf "| %-44s | %10.0f | %10.0f | %8s |\n", "  same, process CPU time", med(a, "cpu-ns/op"), med(b, "cpu-ns/op"), ratio(med(b, "cpu-ns/op"), med(a, "cpu-ns/op"))
}
function need(name) {
	if (!has[name, "ns/op"]) { printf "benchtable.awk: no result for Benchmark%s\n", name > "/dev/stderr"; failed = 1 }
}
END {
	if (n == 0) exit 1
	print ""
	printf "medians of %d runs of each benchmark (min and max of the runs beside ns/op)\n", runs[order[1]]
	printf "| %-22s | %10s | %21s | %10s | %8s | %9s |\n", "benchmark", "ns/op", "min - max", "cpu-ns/op", "B/op", "allocs/op"
	printf "|%s|%s|%s|%s|%s|%s|\n", "------------------------", "------------", "-----------------------", "------------", "----------", "-----------"
	for (i = 1; i <= n; i++) {
		k = order[i]
		if (has[k, "speedup"]) continue
		printf "| %-22s | %10.1f | %21s | %10s | %8s | %9s |\n", k, med(k, "ns/op"),
			sprintf("%.1f - %.1f", stat(k, "ns/op", "min"), stat(k, "ns/op", "max")),
			has[k, "cpu-ns/op"] ? sprintf("%.1f", med(k, "cpu-ns/op")) : "", med(k, "B/op"), med(k, "allocs/op")
	}
	print ""
	printf "| %-44s | %10s | %10s | %8s |\n", "voipsign vs idiom", "voipsign", "idiom", "speed-up"
	printf "|%s|%s|%s|%s|\n", "----------------------------------------------", "------------", "------------", "----------"
	row("Sign vs crypto/hmac idiom (ns/op)", "Sign", "SignIdiom")
	row("SignMany(10 keys) vs 10 idiom calls", "SignMany10", "SignIdiom10")
	row("SignMany(10 keys) vs 10 Sign calls", "SignMany10", "Sign10")
	for (i = 1; i <= n; i++) {
		k = order[i]
		if (!has[k, "speedup"]) continue
		label = k " (alternating blocks)"
		if (k == "InterleavedSign") label = "Sign vs idiom, alternating blocks"
		if (k == "InterleavedSignMany10") label = "SignMany(10) vs 10 idiom calls, alternating"
		printf "| %-44s | %10.0f | %10.0f | %7.2fx |\n", label, med(k, "voipsign-ns/op"), med(k, "idiom-ns/op"), med(k, "speedup")
		if (has[k, "speedup-cpu"])
			printf "| %-44s | %10.0f | %10.0f | %7.2fx |\n", "  same, thread CPU time", med(k, "voipsign-cpu-ns/op"), med(k, "idiom-cpu-ns/op"), med(k, "speedup-cpu")
	}
	if (has["CgoCall", "ns/op"] && has["Sign", "ns/op"])
		printf "\nfixed cost of a cgo call: %.1f ns (%.0f%% of Sign)\n", med("CgoCall", "ns/op"), 100 * med("CgoCall", "ns/op") / med("Sign", "ns/op")

	path = ENVIRON["BENCH_JSON"]
	if (path == "") exit 0
	need("Sign"); need("SignIdiom"); need("SignMany10"); need("SignIdiom10")
	if (failed) exit 1
	printf "{\"language\":\"Go\",\"idiom\":\"sort.Strings + strings.Join + crypto/hmac + hex.EncodeToString\"," > path
	printf "\"idiom_ns\":%.1f,\"idiom_min\":%.1f,\"idiom_max\":%.1f,", med("SignIdiom", "ns/op"), stat("SignIdiom", "ns/op", "min"), stat("SignIdiom", "ns/op", "max") > path
	printf "\"voipsign_ns\":%.1f,\"voipsign_min\":%.1f,\"voipsign_max\":%.1f,", med("Sign", "ns/op"), stat("Sign", "ns/op", "min"), stat("Sign", "ns/op", "max") > path
	printf "\"ratio\":%.3f,", med("SignIdiom", "ns/op") / med("Sign", "ns/op") > path
	printf "\"idiom10_ns\":%.1f,\"sign_many10_ns\":%.1f,\"sign_many_per_member_ns\":%.1f,\"sign_many_ratio\":%.3f,",
		med("SignIdiom10", "ns/op"), med("SignMany10", "ns/op"), med("SignMany10", "ns/op") / 10,
		med("SignIdiom10", "ns/op") / med("SignMany10", "ns/op") > path
	if (has["InterleavedSign", "speedup"])
		printf "\"ratio_interleaved\":%.3f,", med("InterleavedSign", "speedup") > path
	if (has["InterleavedSign", "speedup-cpu"])
		printf "\"ratio_interleaved_thread_cpu\":%.3f,", med("InterleavedSign", "speedup-cpu") > path
	if (has["CgoCall", "ns/op"])
		printf "\"cgo_call_ns\":%.1f,", med("CgoCall", "ns/op") > path
	printf "\"runs\":%d,\"clock\":\"wall time (go test -bench ns/op)\",\"quick\":%s}\n", runs["Sign"],
		((ENVIRON["BENCH_QUICK"] == "1") ? "true" : "false") > path
	close(path)
}
