# Reads `go test -bench . -benchmem` output, echoes it, then prints a summary
# table with the speed-ups of the binding over the hand-written Go idiom.
{ print }
/^Benchmark/ {
	name = $1; sub(/^Benchmark/, "", name); sub(/-[0-9]+$/, "", name)
	for (i = 3; i < NF; i++) {
		if ($(i+1) == "ns/op") ns[name] = $i
		if ($(i+1) == "B/op") bytes[name] = $i
		if ($(i+1) == "allocs/op") allocs[name] = $i
		if ($(i+1) == "speedup") speedup[name] = $i
		if ($(i+1) == "cpu-ns/op") cpu[name] = $i
		if ($(i+1) == "voipsign-ns/op") ours[name] = $i
		if ($(i+1) == "idiom-ns/op") theirs[name] = $i
		if ($(i+1) == "speedup-cpu") cspeedup[name] = $i
		if ($(i+1) == "voipsign-cpu-ns/op") cours[name] = $i
		if ($(i+1) == "idiom-cpu-ns/op") ctheirs[name] = $i
	}
	order[++n] = name
}
function ratio(num, den) { return (num > 0 && den > 0) ? sprintf("%.2fx", num / den) : "n/a" }
function row(label, a, b) {
	if ((a in ns) && (b in ns))
		printf "| %-44s | %10.0f | %10.0f | %8s |\n", label, ns[a], ns[b], ratio(ns[b], ns[a])
	if ((a in cpu) && (b in cpu))
		printf "| %-44s | %10.0f | %10.0f | %8s |\n", "  same, process CPU time", cpu[a], cpu[b], ratio(cpu[b], cpu[a])
}
END {
	if (n == 0) exit 1
	print ""
	printf "| %-22s | %10s | %10s | %8s | %9s |\n", "benchmark", "ns/op", "cpu-ns/op", "B/op", "allocs/op"
	printf "|%s|%s|%s|%s|%s|\n", "------------------------", "------------", "------------", "----------", "-----------"
	for (i = 1; i <= n; i++) {
		k = order[i]
		if (k in speedup) continue
		printf "| %-22s | %10.1f | %10s | %8s | %9s |\n", k, ns[k], (k in cpu) ? sprintf("%.1f", cpu[k]) : "", bytes[k], allocs[k]
	}
	print ""
	printf "| %-44s | %10s | %10s | %8s |\n", "voipsign vs idiom", "voipsign", "idiom", "speed-up"
	printf "|%s|%s|%s|%s|\n", "----------------------------------------------", "------------", "------------", "----------"
	row("Sign vs crypto/hmac idiom (ns/op)", "Sign", "SignIdiom")
	row("SignMany(10 keys) vs 10 idiom calls", "SignMany10", "SignIdiom10")
	row("SignMany(10 keys) vs 10 Sign calls", "SignMany10", "Sign10")
	for (i = 1; i <= n; i++) {
		k = order[i]
		if (!(k in speedup)) continue
		label = k " (alternating blocks)"
		if (k == "InterleavedSign") label = "Sign vs idiom, alternating blocks"
		if (k == "InterleavedSignMany10") label = "SignMany(10) vs 10 idiom calls, alternating"
		printf "| %-44s | %10.0f | %10.0f | %7.2fx |\n", label, ours[k], theirs[k], speedup[k]
		if (k in cspeedup)
			printf "| %-44s | %10.0f | %10.0f | %7.2fx |\n", "  same, thread CPU time", cours[k], ctheirs[k], cspeedup[k]
	}
	if (("CgoCall" in ns) && ("Sign" in ns))
		printf "\nfixed cost of a cgo call: %.1f ns (%.0f%% of Sign)\n", ns["CgoCall"], 100 * ns["CgoCall"] / ns["Sign"]
}
