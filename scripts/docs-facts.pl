#!/usr/bin/env perl
# Puts measured numbers into the docs pages: every {{PROGRAM:KEY}} in a page becomes the value
# that PROGRAM saved as KEY in PLOTS_DIR/PROGRAM.facts (nn::Facts). A page never types a number a
# program measures, so it cannot contradict the printout beside it. In filter mode it also puts
# the file and line after every test name a page quotes (`name` of a TEST_CASE under tests/).
#   docs-facts.pl check  PLOTS_DIR PAGE...          every placeholder has a value? (lists all that lack one)
#   docs-facts.pl filter PLOTS_DIR SRC_DIR PAGE     the page as Doxygen reads it (its FILTER_PATTERNS)
use strict;
use warnings;

my ($mode, $plots, @pages) = @ARGV;
my $src = $mode && $mode eq 'filter' ? shift @pages : undef;
die "usage: docs-facts.pl check PLOTS_DIR PAGE... | filter PLOTS_DIR SRC_DIR PAGE\n"
  unless defined $mode && ($mode eq 'check' || $mode eq 'filter') && defined $plots && @pages;

# Test names → "tests/…/file.cpp:line", from every TEST_CASE("…" under SRC_DIR/tests.
my %test_at;
my %program_src;
if (defined $src) {
  my @files = split /\n/, `find "$src/tests" -name '*.cpp' 2>/dev/null`;
  for my $file (sort @files) {
    open(my $fh, '<', $file) or next;
    (my $rel = $file) =~ s{^\Q$src\E/}{};
    while (my $line = <$fh>) {
      $test_at{$1} //= "$rel:$." if $line =~ /TEST_CASE\(\s*"((?:[^"\\]|\\.)*)"/;
    }
    close $fh;
  }
  # Program names → their source: chapters/chNN_slug/stem.cpp is the program chNN_stem.
  for my $file (split /\n/, `find "$src/chapters" -name '*.cpp' 2>/dev/null`) {
    next unless $file =~ m{/chapters/(ch\d\d)_[^/]+/([^/]+)\.cpp$};
    $program_src{"$1_$2"} = $file;
  }
}

# "Eq. (42)" and "Eqs. (40)–(43)" in a page's prose link to the equations page's rows, except in
# headings, Doxygen commands, code spans, formulas and lines that already link an equation.
sub link_equations {
  my ($line) = @_;
  return $line if $line =~ /^\s*(#|[@\\]\w)/ || $line =~ /\@ref eq\d/;
  my @parts = split /(`[^`]*`|\\f\$.*?\\f\$|\\f\[.*?\\f\]|\*\*.*?\*\*|<b>.*?<\/b>)/, $line;
  for my $part (@parts) {
    next if $part =~ /^(`|\\f|\*\*|<b>)/;
    $part =~ s{(Eqs?\.\s)\((\d+)\)((\s?(?:–|-)\s?|\s(?:and|or)\s|,\s)\((\d+)\))?}{
      my ($pre, $a, $range, $range_sep, $b) = ($1, $2, $3, $4, $5);
      $range_sep = "–" if defined $range_sep && $range_sep =~ /^\s?(?:–|-)\s?$/;
      my $out = ($a >= 1 && $a <= 63) ? "$pre\@ref eq$a \"($a)\"" : "$pre($a)";
      if (defined $range) { $out .= ($b >= 1 && $b <= 63) ? "$range_sep\@ref eq$b \"($b)\"" : "$range_sep($b)"; }
      $out
    }ge;
  }
  return join '', @parts;
}

# Doxygen's name for the source page of a file: foo_bar.cpp → foo__bar_8cpp_source.html; a
# name that several folders share gets its folder too (ch03_dense/errata.cpp →
# ch03__dense_2errata_8cpp_source.html).
my %basename_count;
sub source_page {
  my ($path) = @_;
  (my $name = $path) =~ s{.*/}{};
  if (!%basename_count) {
    for my $f (split /\n/, `find "$src/chapters" "$src/tests/lib" "$src/lib/include" "$src/exercises/include" -name '*.[ch]pp' 2>/dev/null`) {
      (my $b = $f) =~ s{.*/}{};
      ++$basename_count{$b};
    }
  }
  if (($basename_count{$name} // 0) > 1 && $path =~ m{([^/]+)/[^/]+$}) { $name = "$1/$name"; }
  $name =~ s/_/__/g;
  $name =~ s/\./_8/g;
  $name =~ s{/}{_2}g;
  return "${name}_source.html";
}
# The test a page quotes: its whole name, or a name shortened with "…" that starts exactly one test.
sub test_named {
  my ($quoted) = @_;
  return $test_at{$quoted} if exists $test_at{$quoted};
  return undef unless $quoted =~ /^(.+?)\s*…$/;
  my $prefix = $1;
  my @hits = grep { index($_, $prefix) == 0 } keys %test_at;
  return @hits == 1 ? $test_at{$hits[0]} : undef;
}
sub test_link {
  my ($at) = @_;
  my ($file, $line) = $at =~ /^(.*):(\d+)$/;
  return sprintf('<small>(<a href="%s#l%05d">%s</a>)</small>', source_page($file), $line, $at);
}

my %facts;    # program => { key => value }, read once per program
sub facts_of {
  my ($program) = @_;
  return $facts{$program} if exists $facts{$program};
  my %kv;
  my $file = "$plots/$program.facts";
  if (open(my $fh, '<', $file)) {
    while (my $line = <$fh>) {
      next if $line =~ /^\s*(#|$)/;
      $kv{$1} = $2 if $line =~ /^([a-z0-9_]+) (\S+)\s*$/;
    }
    close $fh;
  } else {
    $facts{$program} = undef;
    return undef;
  }
  return $facts{$program} = \%kv;
}

my $missing = 0;
my $in_code = 0;
for my $page (@pages) {
  open(my $fh, '<', $page) or die "docs-facts: cannot read $page: $!\n";
  while (my $line = <$fh>) {
    while ($line =~ /\{\{([a-z0-9_]+):([a-z0-9_]+)\}\}/g) {
      my ($program, $key) = ($1, $2);
      my $kv = facts_of($program);
      my $why = !defined $kv ? "$plots/$program.facts does not exist"
              : !exists $kv->{$key} ? "$plots/$program.facts has no '$key'" : undef;
      if (defined $why) {
        ++$missing;
        print STDERR "docs: $page:$.: {{$program:$key}}: $why; run build/chapters/$program "
                   . "(the main command runs every program)\n" if $mode eq 'check';
      }
    }
    if ($mode eq 'filter') {
      $line =~ s/\{\{([a-z0-9_]+):([a-z0-9_]+)\}\}/
        my $kv = facts_of($1); defined $kv && exists $kv->{$2} ? $kv->{$2} : "(no value: $1:$2)"/ge;
      $in_code = !$in_code if $line =~ /^\s*(```|~~~|[@\\](code|endcode|verbatim|endverbatim)\b)/;
      $line = link_equations($line) unless $in_code || $line =~ /^ {4}/ || $page =~ m{(^|/)equations\.md$};
      $line =~ s/`([^`]+)`/my $t = test_named($1); defined $t ? "`$1` " . test_link($t)
                         : exists $program_src{$1} ? "`$1` <small>(<a href=\"" . source_page($program_src{$1}) . "\">source<\/a>)<\/small>"
                         : "`$1`"/ge;
      print $line;
    }
  }
  close $fh;
}
exit($mode eq 'check' && $missing ? 1 : 0);
