package dev.pier.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prometheus's text format (and OpenMetrics's) read back: every sample with its name, labels and value; comments
 * skipped. Immutable.
 */
public record Scrape(List<Sample> samples) {

    /** One sample line. Immutable. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    public Scrape {
        samples = List.copyOf(samples);
    }

    public static Scrape parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            String name;
            Map<String, String> labels = new LinkedHashMap<>();
            int rest;
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace);
                int i = brace + 1;
                while (line.charAt(i) != '}') {
                    int equals = line.indexOf('=', i);
                    String key = line.substring(i, equals);
                    StringBuilder value = new StringBuilder();
                    int j = equals + 2;
                    for (; line.charAt(j) != '"'; j++) {
                        char c = line.charAt(j);
                        if (c == '\\') {
                            char next = line.charAt(++j);
                            value.append(next == 'n' ? '\n' : next);
                        } else {
                            value.append(c);
                        }
                    }
                    labels.put(key, value.toString());
                    i = j + 1;
                    if (line.charAt(i) == ',') {
                        i++;
                    }
                }
                rest = i + 2;
            } else {
                name = line.substring(0, space);
                rest = space + 1;
            }
            String value = line.substring(rest).split(" ")[0];
            samples.add(new Sample(name, labels, Double.parseDouble(value)));
        }
        return new Scrape(samples);
    }

    /** The samples named {@code name} whose labels include {@code labels} (name, value, name, value...). */
    public List<Sample> find(String name, String... labels) {
        List<Sample> found = new ArrayList<>();
        for (Sample sample : samples) {
            if (sample.name.equals(name) && matches(sample, labels)) {
                found.add(sample);
            }
        }
        return found;
    }

    /** The one sample named {@code name} with exactly these labels' values (others may differ); fails otherwise. */
    public double value(String name, String... labels) {
        List<Sample> found = find(name, labels);
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " samples of " + name + " " + List.of(labels) + ": " + found);
        }
        return found.get(0).value;
    }

    /** The sum of the samples named {@code name} whose labels include {@code labels}. */
    public double sum(String name, String... labels) {
        return find(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    private static boolean matches(Sample sample, String[] labels) {
        for (int i = 0; i < labels.length; i += 2) {
            if (!labels[i + 1].equals(sample.labels.get(labels[i]))) {
                return false;
            }
        }
        return true;
    }
}
