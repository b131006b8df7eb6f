package io.flowexport.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The default id of a runner: {@code <host>:<pid>}, unique among the runners of one state store. */
public final class RunnerIds {

    private RunnerIds() {
    }

    /** {@code <host>:<pid>} of this process. */
    public static String defaultId() {
        return host() + ":" + ProcessHandle.current().pid();
    }

    /**
     * True when {@code host} is this host and no process {@code pid} runs on it: a runner that held something
     * there has ended. False when it may still run (another host, this process, or a live process of that id).
     */
    public static boolean isGone(String host, long pid) {
        return host != null && host.equals(host()) && pid > 0 && pid != ProcessHandle.current().pid()
                && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }

    /**
     * This machine's host name ({@code HOSTNAME}, else the local host's name), or {@code localhost} when it cannot
     * be found; looked up once per process, since every lease a runner takes names it.
     */
    public static String host() {
        return Host.NAME;
    }

    /** The host name, looked up on first use (a name lookup can take a while on a badly configured host). */
    private static final class Host {
        static final String NAME = lookUp();

        private static String lookUp() {
            String env = System.getenv("HOSTNAME");
            if (env != null && !env.isBlank()) {
                return env;
            }
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                return "localhost";
            }
        }
    }
}
