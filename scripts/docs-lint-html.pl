#!/usr/bin/env perl
# Finds markup that Doxygen left raw in the generated pages (it does not warn about these):
# Markdown emphasis (**), formulas (\f$, \f[), escaped tags (<tt>, <b>, <em>, ...), Doxygen
# commands (@ref, \ref, @snippet, ...), facts that were not filled in ({{...}}) and stray
# backticks. Code listings, <pre> blocks and scripts are skipped.
#   docs-lint-html.pl HTML_DIR      exit 1 and one line per finding if any
use strict;
use warnings;

my ($dir) = @ARGV;
die "usage: docs-lint-html.pl HTML_DIR\n" unless defined $dir && -d $dir;
my @pages = grep { !/_source\.html$|\/(files|globals|namespacemembers|functions)[_a-z]*\.html$/ }
            glob("$dir/*.html");
my @rules = (
  [qr/\*\*[^*\s][^*]*?\*\*/,                 'Markdown **bold** left raw'],
  [qr/\\f[\$\[\]]/,                         'formula delimiter \\f$ or \\f[ left raw'],
  [qr/&lt;\/?(tt|b|i|em|code|sub|sup|br|a|strong)\b/, 'an HTML tag shown as text'],
  [qr/(?<![\w&])[\@\\](ref|snippet|image|anchor|subpage|verbinclude|include|f)\b/, 'a Doxygen command left raw'],
  [qr/\{\{|\}\}|\(no value: /,                   'a placeholder {{PROGRAM:KEY}} not filled in (or malformed)'],
  [qr/(?<!operator\[)\]\((?!\))/,               'a Markdown link left raw'],
  [qr/\|\s*-{3,}\s*\|/,                     'a Markdown table left raw'],
  [qr/`/,                                   'a stray backtick (code span not closed?)'],
);
my $found = 0;
for my $page (@pages) {
  open(my $fh, '<', $page) or die "docs-lint-html: cannot read $page: $!\n";
  local $/;
  my $html = <$fh>;
  close $fh;
  # Only the page's contents, without code, preformatted text, scripts and styles.
  $html = $1 if $html =~ /<div class="contents">(.*)/s;
  $html =~ s/<div class="fragment">.*?<\/div><!-- fragment -->//gs;
  $html =~ s/<(pre|script|style|code)\b.*?<\/\1>//gs;
  $html =~ s/<[^>]*>/ /g;    # tags and their attributes
  $html =~ s/\\\(.*?\\\)|\\\[.*?\\\]/ /gs;    # formulas, as MathJax gets them: \( … \) and \[ … \]
  my $n = 0;
  for my $line (split /\n/, $html) {
    ++$n;
    for my $rule (@rules) {
      my ($re, $what) = @$rule;
      next unless $line =~ $re;
      my $at = $-[0];
      my $from = $at > 40 ? $at - 40 : 0;
      (my $ctx = substr($line, $from, 90)) =~ s/\s+/ /g;
      (my $name = $page) =~ s{.*/}{};
      print STDERR "docs: $name: $what: ...$ctx...\n";
      ++$found;
    }
  }
}
# Every link from a page to another file of the docs leads somewhere.
for my $page (glob("$dir/*.html")) {
  open(my $fh, '<', $page) or next;
  local $/;
  my $html = <$fh>;
  close $fh;
  my %seen;
  while ($html =~ /href="([A-Za-z0-9_.\-]+\.(?:html|png|svg))(?:#[^"]*)?"/g) {
    next if $seen{$1}++ || -e "$dir/$1";
    (my $name = $page) =~ s{.*/}{};
    print STDERR "docs: $name: a link to $1, which does not exist\n";
    ++$found;
  }
}
# The navigation tree shows headings as plain text: code or tags in a heading show up raw there.
for my $js (glob("$dir/navtreedata.js"), glob("$dir/navtreeindex*.js")) {
  open(my $fh, '<', $js) or next;
  while (my $line = <$fh>) {
    next unless $line =~ /(<|&lt;)(tt|code|b|em)(>|&gt;)/;
    (my $name = $js) =~ s{.*/}{};
    (my $ctx = $line) =~ s/\s+/ /g;
    print STDERR "docs: $name: a heading with markup (it shows raw in the navigation tree): " . substr($ctx, 0, 120) . "\n";
    ++$found;
  }
  close $fh;
}
print STDERR "docs: $found raw-markup finding(s) in the generated pages\n" if $found;
exit($found ? 1 : 0);
