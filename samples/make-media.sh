#!/bin/bash
# make-media.sh - make the generated media of the sample courses from the sources beside them.
#
#   samples/COURSE/media-src/NAME.png.svg  ->  samples/COURSE/media/NAME.png   (rsvg-convert)
#   samples/COURSE/media-src/NAME.pdf.svg  ->  samples/COURSE/media/NAME.pdf   (rsvg-convert)
#   samples/pump-maintenance/media-src/video-*.svg  ->  media/pump.mp4         (rsvg-convert, ffmpeg)
#   this script's sound recipe  ->  samples/pump-maintenance/media/bearing-noise.mp3  (ffmpeg)
#
# Other SVGs in media-src/ are parts of the video.  SVGs that lessons show as they are live in
# media/ and are not touched.  Generated files are not committed (samples/.gitignore).
#
# Needs the Debian packages librsvg2-bin (rsvg-convert), ffmpeg, fontconfig (fc-list),
# fonts-noto-core (Thai text) and fonts-wqy-microhei (Chinese text):
#   apt-get install librsvg2-bin ffmpeg fontconfig fonts-noto-core fonts-wqy-microhei
#
# Usage: samples/make-media.sh [--force]
# Makes only what is missing or older than its sources; --force makes everything again.
# The same sources and the same package versions give the same bytes: PDFs carry a fixed
# date (SOURCE_DATE_EPOCH), the video and the sound are encoded bit-exactly, single-threaded.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
force=0
case "${1:-}" in
"") ;;
--force) force=1 ;;
-h | --help)
	sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
*)
	echo "make-media: unknown option '$1' (usage: make-media.sh [--force])" >&2
	exit 2
	;;
esac

die() {
	echo "make-media: $*" >&2
	exit 1
}

need_tool() { # TOOL PACKAGE
	command -v "$1" >/dev/null 2>&1 || die "'$1' not found: install the Debian package $2 (apt-get install $2)"
}
need_font() { # FAMILY PACKAGE
	[ -n "$(fc-list "$1" family)" ] ||
		die "font '$1' not found: install the Debian package $2 (apt-get install $2)"
}

need_tool rsvg-convert librsvg2-bin
need_tool ffmpeg ffmpeg
need_tool fc-list fontconfig
need_tool perl perl-base
need_font "Noto Sans Thai" fonts-noto-core
need_font "Noto Sans" fonts-noto-core
need_font "WenQuanYi Micro Hei" fonts-wqy-microhei

# Same bytes on every run and every machine with the same packages.
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1704067200}" # 2024-01-01, the PDFs' date
export TZ=UTC LC_ALL=C.UTF-8

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

made=0
kept=0

# True when target must be made: --force, missing, or older than any of the sources.
stale() { # TARGET SOURCE...
	local target=$1 src
	shift
	[ "$force" = 1 ] && return 0
	[ -e "$target" ] || return 0
	for src in "$@"; do
		[ "$src" -nt "$target" ] && return 0
	done
	return 1
}

# Move a finished temporary file into place, after checking that it names no other host.
install_output() { # TMP TARGET
	if LC_ALL=C grep -a -q -E 'https?://' "$1"; then
		rm -f "$1"
		die "$2: the generated file contains a URL (courses must name no other host)"
	fi
	mv -f "$1" "$2"
	made=$((made + 1))
	echo "  made    ${2#"$here"/}"
}

svg_to_png() { # SRC TARGET
	local tmp
	tmp="$(dirname "$2")/.$(basename "$2").tmp"
	rsvg-convert -f png -o "$tmp" "$1" || {
		rm -f "$tmp"
		die "$1: rsvg-convert failed"
	}
	install_output "$tmp" "$2"
}

svg_to_pdf() { # SRC TARGET
	local tmp
	tmp="$(dirname "$2")/.$(basename "$2").tmp"
	rsvg-convert -f pdf -o "$tmp" "$1" || {
		rm -f "$tmp"
		die "$1: rsvg-convert failed"
	}
	# cairo signs the PDF's Producer with its web address; keep the version, drop the
	# address, and pad with spaces so that no byte offset (and so no xref entry) moves.
	perl -0777 -pi -e 's{\(cairo ([0-9.]+) \(https?://[^()]*\)\)}{my $r = "(cairo $1)"; $r . (" " x (length($&) - length($r)))}ge' "$tmp"
	install_output "$tmp" "$2"
}

# ffmpeg's encoders, listed once (a pipe into grep -q could kill ffmpeg early under pipefail).
encoders=$(ffmpeg -hide_banner -encoders 2>/dev/null) || die "ffmpeg -encoders failed"
has_encoder() { # NAME
	[[ "$encoders" == *" $1 "* ]]
}

encode_flags=(-map_metadata -1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact)

# pump-maintenance/media/pump.mp4: 16 s, 640x360, 24 fps, H.264 (MPEG-4 part 2 without
# libx264), AAC mono, index first.  It shows the scene of video-scene.svg:
#   0-4 s   the pump runs: the impeller turns, water moves up the pipes, the motor hums;
#   4-8 s   step 1: the isolator box is outlined in red, its handle turns to OFF and its
#           lamp to red, the impeller slows to a stop, a padlock and a "CẤM ĐÓNG ĐIỆN"
#           (no switching on) tag appear (5 s);
#   8-12 s  step 2: both valves are outlined in yellow, their handles turn red (closed, 9 s);
#   12-16 s step 3: the drain plug is outlined, water drips from it and pools (13 s).
# The caption strip at the bottom comes from video-captions.svg; the subtitles
# (media/pump.vi.vtt, media/pump.en.vtt) describe the same moments.
make_pump_video() { # COURSE_DIR
	local dir=$1 src="$1/media-src" target="$1/media/pump.mp4" tmp vcodec
	local sources=("$src/video-scene.svg" "$src/video-impeller.svg" "$src/video-lock.svg"
		"$src/video-captions.svg" "$0")
	stale "$target" "${sources[@]}" || {
		kept=$((kept + 1))
		return 0
	}
	for s in scene impeller lock captions; do
		rsvg-convert -f png -o "$work/$s.png" "$src/video-$s.svg" || die "$src/video-$s.svg: rsvg-convert failed"
	done
	if has_encoder libx264; then
		# One thread: x264's choices depend on the thread count, so on the machine's cores.
		# filter_units drops x264's SEI, a banner that carries its version and web address.
		vcodec=(-c:v libx264 -preset medium -crf 24 -profile:v main -threads 1
			-bsf:v filter_units=remove_types=6)
	else
		vcodec=(-c:v mpeg4 -q:v 4 -threads 1)
	fi
	# Impeller angle: 0.75 turn/s until 4 s, slowing evenly to a stop at 6 s.
	local w='4.71238898' angle
	angle="if(lt(t,4),$w*t,if(lt(t,6),$w*(t-(t-4)*(t-4)/4),$w*5))"
	# Motor sound: 100 Hz magnetic hum and 48 Hz rotation, both ending at switch-off (4 s);
	# the rotation's whir fades as the impeller slows down.
	local hum="if(lt(t,4),0.22*sin(2*PI*100*t)+0.08*sin(2*PI*200*t),0)"
	local whir="if(lt(t,4),0.12*sin(2*PI*48*t),if(lt(t,6),0.12*(1-(t-4)/2)*sin(2*PI*48*(4+(t-4)-(t-4)*(t-4)/4)),0))"
	local hiss="if(lt(t,6),0.02*(2*random(0)-1)*if(lt(t,4),1,(6-t)/2),0)"
	local graph
	graph="[1:v]format=rgba,rotate=a='$angle':c=none:ow=120:oh=120[imp];"
	graph+="[0:v][imp]overlay=x=370:y=140[a0];"
	graph+="[4:v]split=4[d1][d2][d3][d4];"
	graph+="[a0][d1]overlay=x=476:y='136-mod(t*60,96)':enable='lt(t,4.5)'[a1];"
	graph+="[a1][d2]overlay=x=476:y='136-mod(t*60+48,96)':enable='lt(t,4.5)'[a2];"
	graph+="[a2][d3]overlay=x='612-mod(t*60,90)':y=197:enable='lt(t,4.5)'[a3];"
	graph+="[a3][d4]overlay=x='612-mod(t*60+45,90)':y=197:enable='lt(t,4.5)'[a4];"
	graph+="[a4]drawbox=x=22:y=62:w=116:h=166:color=0xe53935:t=4:enable='between(t,4,8)',"
	graph+="drawbox=x=70:y=90:w=20:h=20:color=0xe53935:t=fill:enable='gte(t,4.3)',"
	graph+="drawbox=x=72:y=136:w=16:h=48:color=0x37474f:t=fill:enable='gte(t,4.2)',"
	graph+="drawbox=x=58:y=154:w=44:h=12:color=0xfbc02d:t=fill:enable='gte(t,4.2)',"
	graph+="drawbox=x=450:y=58:w=100:h=44:color=0xfdd835:t=4:enable='between(t,8,12)',"
	graph+="drawbox=x=540:y=152:w=60:h=80:color=0xfdd835:t=4:enable='between(t,8,12)',"
	graph+="drawbox=x=502:y=74:w=40:h=12:color=0xe53935:t=fill:enable='gte(t,9)',"
	graph+="drawbox=x=550:y=160:w=40:h=12:color=0xe53935:t=fill:enable='gte(t,9)',"
	graph+="drawbox=x=412:y=280:w=36:h=26:color=0x00b0ff:t=3:enable='between(t,12,16)',"
	graph+="drawbox=x=396:y=306:w=68:h=4:color=0x4fc3f7:t=fill:enable='gte(t,13)'[a5];"
	graph+="[a5][2:v]overlay=x=20:y=226:enable='gte(t,5)'[a6];"
	graph+="[5:v]split=2[p1][p2];"
	graph+="[a6][p1]overlay=x=427:y='298+mod((t-12.5)*60,12)':enable='between(t,12.5,16)'[a7];"
	graph+="[a7][p2]overlay=x=427:y='298+mod((t-12.5)*60+6,12)':enable='between(t,12.7,16)'[a8];"
	graph+="[3:v]crop=640:40:0:'40*min(3,floor(t/4))'[cap];"
	graph+="[a8][cap]overlay=x=0:y=320,format=yuv420p[v]"
	tmp="$dir/media/.pump.mp4.tmp.mp4"
	ffmpeg -nostdin -hide_banner -loglevel error -y \
		-loop 1 -framerate 24 -i "$work/scene.png" \
		-loop 1 -framerate 24 -i "$work/impeller.png" \
		-loop 1 -framerate 24 -i "$work/lock.png" \
		-loop 1 -framerate 24 -i "$work/captions.png" \
		-f lavfi -i "color=c=0x29b6f6:s=8x8:r=24" \
		-f lavfi -i "color=c=0x0288d1:s=6x8:r=24" \
		-f lavfi -i "aevalsrc='$hum+$whir+$hiss':s=44100:d=16" \
		-filter_complex "$graph" -map "[v]" -map 6:a \
		-frames:v 384 -r 24 "${vcodec[@]}" -pix_fmt yuv420p \
		-af "afade=t=in:d=0.3,afade=t=out:st=15.5:d=0.5" -c:a aac -b:a 64k -ac 1 -ar 44100 \
		-t 16 -movflags +faststart "${encode_flags[@]}" "$tmp" || {
		rm -f "$tmp"
		die "$target: ffmpeg failed"
	}
	install_output "$tmp" "$target"
}

# pump-maintenance/media/bearing-noise.mp3: 11 s of a pump heard close to its bearing housing:
# 0-5 s a healthy bearing (hum and a smooth whir), 5-6 s silence, 6-11 s a worn bearing: the
# same sound plus a rough rattle, short 3 kHz rings repeated 160 times a second, rising and
# falling with each turn of the shaft.
make_bearing_noise() { # COURSE_DIR
	local target="$1/media/bearing-noise.mp3" tmp
	stale "$target" "$0" || {
		kept=$((kept + 1))
		return 0
	}
	has_encoder libmp3lame ||
		die "ffmpeg has no MP3 encoder (libmp3lame): install Debian's ffmpeg package"
	local base="0.25*sin(2*PI*100*t)+0.08*sin(2*PI*200*t)+0.10*sin(2*PI*48*t)+0.015*(2*random(0)-1)"
	local rattle="0.30*sin(2*PI*3000*t)*exp(-2000*mod(t,1/160))*(0.6+0.4*sin(2*PI*48*t))+0.06*(2*random(1)-1)*(0.5+0.5*sin(2*PI*48*t))"
	# Each part fades in and out (afade cannot: after a fade-out it silences the rest).
	local env1="min(1,t/0.2)*min(1,(5-t)/0.2)" env2="min(1,(t-6)/0.2)*min(1,(11-t)/0.3)"
	local expr="if(lt(t,5),$env1*($base),if(lt(t,6),0,$env2*($base+$rattle)))"
	tmp="$1/media/.bearing-noise.mp3.tmp.mp3"
	ffmpeg -nostdin -hide_banner -loglevel error -y \
		-f lavfi -i "aevalsrc='$expr':s=44100:d=11" \
		-c:a libmp3lame -b:a 64k -ac 1 -ar 44100 -id3v2_version 0 -write_xing 0 \
		"${encode_flags[@]}" "$tmp" || {
		rm -f "$tmp"
		die "$target: ffmpeg failed"
	}
	install_output "$tmp" "$target"
}

shopt -s nullglob
for course in "$here"/*/; do
	course=${course%/}
	[ -d "$course/media-src" ] || continue
	mkdir -p "$course/media"
	for src in "$course"/media-src/*.png.svg; do
		target="$course/media/$(basename "$src" .png.svg).png"
		if stale "$target" "$src"; then svg_to_png "$src" "$target"; else kept=$((kept + 1)); fi
	done
	for src in "$course"/media-src/*.pdf.svg; do
		target="$course/media/$(basename "$src" .pdf.svg).pdf"
		if stale "$target" "$src"; then svg_to_pdf "$src" "$target"; else kept=$((kept + 1)); fi
	done
	if [ -f "$course/media-src/video-scene.svg" ]; then
		make_pump_video "$course"
	fi
done
if [ -d "$here/pump-maintenance" ]; then
	make_bearing_noise "$here/pump-maintenance"
fi

echo "make-media: $made made, $kept up to date"
