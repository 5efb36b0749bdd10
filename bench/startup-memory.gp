# startup-memory.gp - the plot of bench/RESULTS.md: start-up time and resident memory
# against the number of bundles, for sampan-play and kiwix-serve.
#   gnuplot -e "datafile='startup.dat'; outfile='startup-memory.png'" bench/startup-memory.gp
# startup.dat (written by bench/startup.sh) columns: bundles, sampan cold s, sampan warm s,
# kiwix first s, kiwix second s, sampan idle MiB, kiwix idle MiB, sampan MiB after a page of
# each course, kiwix MiB after a page of each course.
set terminal pngcairo size 1000,500 font "sans,10"
set output outfile
set multiplot layout 1,2 title "Sampan (sampan-play) and kiwix-serve: the same small courses as bundles and as ZIM files"
set logscale x
set xlabel "bundles (ZIM files)"
set grid
set key top left opaque box
set xrange [0.8:*]
set title "Start-up: launch to the last course's page answering"
set ylabel "seconds"
set logscale y
# Room above the lines for the key; the targets as dashed lines.
set offsets 0, 0, graph 0.3, 0
set arrow 1 from graph 0, first 0.2 to graph 1, first 0.2 nohead dt 2 lc "gray40"
set label 1 "target, warm: 0.2 s" at graph 0.02, first 0.25 left textcolor "gray40"
plot datafile using 1:2 with linespoints lw 2 pt 7 title "sampan-play, cold (empty cache)", \
     datafile using 1:3 with linespoints lw 2 pt 5 title "sampan-play, warm", \
     datafile using 1:5 with linespoints lw 2 pt 9 title "kiwix-serve (second start)"
unset logscale y
set title "Resident memory (VmRSS)"
set ylabel "MiB"
set yrange [0:*]
set offsets 0, 0, graph 0.45, 0
unset arrow 1
unset label 1
set arrow 2 from graph 0, first 20 to graph 1, first 20 nohead dt 2 lc "gray40"
set label 2 "target: 20 MiB" at graph 0.02, first 17.5 left textcolor "gray40"
plot datafile using 1:6 with linespoints lw 2 pt 7 title "sampan-play, idle", \
     datafile using 1:8 with linespoints lw 2 pt 5 title "sampan-play, after a page of each course", \
     datafile using 1:7 with linespoints lw 2 pt 9 title "kiwix-serve, idle", \
     datafile using 1:9 with linespoints lw 2 pt 11 title "kiwix-serve, after a page of each course"
unset multiplot
