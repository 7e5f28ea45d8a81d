#!/usr/bin/env bash
# generate_fixtures.sh [DIR] — build the mock project tree described in the README, to try
# the scanner by hand (default DIR: tests/fixtures/test_project, ignored by git).
#
#   small_files/    100 files of 1 KiB           large_files/  10 files of 10 MiB (sparse)
#   nested/         4 levels, a file in each      mixed_types/  .txt .py .json .csv .pdf .png
#   special_cases/  hidden, Unicode, spaces,                    .log .md .tar.gz ...
#                   empty files, a long name      symlinks/     to a file, a directory, nothing
#   many_files/     500 .log files                mixed_depth/  a/b/c/d/e, x, y/z
#   users/          6 home-like directories       empty_dir/
#
# About 800 entries, 100 MiB apparent size but little disk (the big files are sparse).
# Content is fixed (no randomness) so two runs give the same tree. DIR is re-created from
# scratch on every run; a non-empty DIR without the marker file this script leaves is
# refused, so a mistyped argument cannot wipe a real directory.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/tests/fixtures/test_project}
marker=.storage-scanner-fixture

if [[ -e $dir ]]; then
  if [[ -n $(ls -A "$dir") && ! -f $dir/$marker ]]; then
    echo "generate_fixtures: $dir is not empty and was not made by this script; not touching it" >&2
    exit 1
  fi
  rm -rf "$dir"
fi
mkdir -p "$dir"
cd "$dir"
echo "made by scripts/generate_fixtures.sh; safe to delete" >"$marker"

# Files are written with printf (a shell builtin): one fork per file would double the time.
mkdir small_files
for i in $(seq -w 1 100); do
  printf '%-1024s' "small file $i" >"small_files/file$i.txt"
done

mkdir large_files
for i in $(seq -w 1 10); do
  printf 'large file %s\n' "$i" >"large_files/data$i.bin"
  truncate -s 10M "large_files/data$i.bin"
done

mkdir -p nested/level1/level2/level3
printf 'Level 0 file\n' >nested/file.txt
printf 'Level 1 file\n' >nested/level1/file.txt
printf 'Level 2 file\n' >nested/level1/level2/file.txt
printf 'Deep file\n' >nested/level1/level2/level3/deep_file.txt

mkdir mixed_types
for name in document.pdf image.png archive.tar.gz; do
  printf '%s\n' "$name" >"mixed_types/$name"
  truncate -s 2M "mixed_types/$name"
done
printf "print('hello world')\n" >mixed_types/script.py
printf 'col1,col2,col3\n1,2,3\n' >mixed_types/data.csv
printf '{"key": "value"}\n' >mixed_types/config.json
printf '# Notes\n' >mixed_types/notes.md
printf 'started\n' >mixed_types/app.log
printf 'READ ME\n' >mixed_types/README.TXT
printf 'all:\n' >mixed_types/Makefile
printf 'jpeg\n' >mixed_types/photo.JPEG

mkdir -p special_cases/.hidden_dir "special_cases/dir with spaces"
: >special_cases/.hidden_file
printf 'inside a hidden directory\n' >special_cases/.hidden_dir/inside.txt
printf 'File with spaces\n' >"special_cases/file with spaces.txt"
printf 'inner\n' >"special_cases/dir with spaces/inner file.txt"
printf 'Unicode test\n' >"special_cases/file_with_unicode_한국어.txt"
printf 'accents\n' >"special_cases/café résumé.md"
printf 'emoji\n' >"special_cases/emoji_🎉.txt"
: >special_cases/empty_file.txt
: >special_cases/empty.log
printf 'Long filename test\n' \
  >special_cases/this_is_a_very_long_filename_that_tests_the_scanner_ability_to_handle_long_names.txt

mkdir symlinks
ln -s ../small_files/file001.txt symlinks/link_to_file
ln -s ../nested symlinks/link_to_dir
ln -s ../does_not_exist symlinks/broken_link

mkdir many_files
for i in $(seq 1 500); do
  printf 'Content %s\n' "$i" >"many_files/file_$i.log"
done

mkdir -p mixed_depth/a/b/c/d/e mixed_depth/x mixed_depth/y/z
for d in mixed_depth mixed_depth/a mixed_depth/a/b mixed_depth/a/b/c mixed_depth/a/b/c/d \
  mixed_depth/a/b/c/d/e mixed_depth/x mixed_depth/y mixed_depth/y/z; do
  printf 'Content\n' >"$d/file.txt"
done

mkdir empty_dir

for user in alice bob carol dave erin frank; do
  mkdir -p "users/$user/docs" "users/$user/results"
  printf 'export PS1=%s\n' "$user" >"users/$user/.bashrc"
  for n in 1 2 3 4 5 6; do
    printf '%s doc %s\n' "$user" "$n" >"users/$user/docs/doc$n.md"
  done
  for n in $(seq -w 1 10); do
    printf 'run,value\n%s,%s\n' "$n" "$user" >"users/$user/results/run$n.csv"
  done
done

echo "generate_fixtures: $dir"
echo "  regular files: $(find . -type f | wc -l)"
echo "  directories:   $(find . -type d | wc -l)"
echo "  symlinks:      $(find . -type l | wc -l)"
echo "  entries:       $(find . | wc -l) (the root included)"
echo "  apparent size: $(du -s --apparent-size --block-size=1M . | cut -f1) MiB"
echo "  disk usage:    $(du -s --block-size=1K . | cut -f1) KiB"
