# SPDX-License-Identifier: LGPL-2.1-or-later
#
# chart.gp: the bar chart of docs/bench.svg, drawn by the bench driver as
#   gnuplot -e "datafile='RATIOS'; outfile='SVG'; ncols=N; subtitle='...'"
#           harness/bench/chart.gp
# RATIOS has a header row of quoted allocator names, then one row per
# workload (and a last "geomean" row) of time ratios to glibc default.

set terminal svg size 1400,520 dynamic enhanced font "sans,12" \
	background rgb "white"
set output outfile
set title "Wall time relative to glibc default (lower is faster)\n{/*0.8 ".subtitle."}"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set ylabel "time / glibc default"
set yrange [0:*]
set grid ytics
set key outside right top vertical
set xtics nomirror
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 1.5 \
	lc rgb "black" front
plot for [i=2:ncols+1] datafile using i:xtic(1) title columnheader(i)
