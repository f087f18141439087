"""The command-line options of uWSGI 2.0 (the ``pyuwsgi`` wheel, 2.0.30).

Generated from ``uwsgi --help`` (942 options, with the plugins the wheel
compiles in) and, for each option's kind, from uWSGI's own option table
(``no_argument``, ``required_argument``, ``optional_argument``):

- ``FLAGS`` take no value, and refuse one (``--master=true`` is an error);
- ``OPTIONAL_VALUE_OPTIONS`` take a value only as ``--name=value`` (prodserver
  always writes it so), or none;
- ``VALUE_OPTIONS`` take a value.

uWSGI refuses unknown names, and names spelled with underscores where it has
dashes (``--http_socket``); two of its names do have underscores
(``UNDERSCORE_NAMES``).
"""

from .declare import names, pairs

FLAGS = names(
    """
    abstract-socket alarm-list alarms-list auto-procname autoload cache-no-expire
    cache-report-freed-items cache-use-last-modified carbon-name-resolve
    carbon-no-workers carbon-resolve-names carbon-use-metrics catch-exceptions
    cflags cgi-mode cheap cheaper-algo-list cheaper-algos-list
    cheaper-busyness-verbose cheaper-list check-static-docroot clock-list
    clocks-list close-on-exec close-on-exec2 command-mode config-py
    daemons-honour-stdin die-on-idle die-on-term disable-logging disable-sendfile
    disable-write-exception dot-h drop-after-apps drop-after-init dump-options
    early-emperor emperor-graceful-shutdown emperor-magic-exec emperor-no-blacklist
    emperor-nofollow emperor-tyrant emperor-tyrant-nofollow enable-metrics
    enable-proxy-protocol enable-threads end-blacklist end-whitelist exit-on-reload
    fastrouter-cheap fastrouter-fallback-on-no-key force-gateway freebind
    gevent-early-monkey-patch gevent-monkey-patch gevent-wait-for-hub
    harakiri-no-arh harakiri-verbose help honour-range honour-stdin
    http-auto-chunked http-auto-gzip http-cheap http-chunked-input http-manage-rtsp
    http-manage-source http-raw-body http-websockets if-not-reload if-reload
    ignore-script-name ignore-sigpipe ignore-write-errors imperial-monitor-list
    imperial-monitors-list jailed lazy lazy-apps log-4xx log-5xx log-format-strftime
    log-master log-master-req-stream log-master-stream log-micros log-reopen
    log-truncate log-x-forwarded-for log-zero logfile-chown logformat-strftime
    logger-list loggers-list loop-list loops-list manage-script-name master
    master-as-root memory-report metric-dir-restore metrics-dir-restore
    metrics-no-cores nagios never-swap no-default-app no-defer-accept no-fd-passing
    no-harakiri-after-req-hook no-harakiri-arh no-initgroups no-orphans no-server
    no-site no-threads-wait paste-logger pcre-jit persistent-ipcsem plugin-list
    plugins-list propagate-touch py-call-osafterfork py-call-uwsgi-fork-hooks
    python-version rawrouter-cheap rawrouter-xclient re-fork re-fork-as-root
    re-fork-post-jail reaper refork refork-as-root refork-post-jail
    reload-on-exception reload-os-env reuse-port router-list routers-list
    rsyslog-split-messages setns-preopen show-config shutdown-sockets
    single-interpreter skip-atexit skip-atexit-teardown skip-zero so-keepalive
    so-send-timeout so-write-timeout socket-send-timeout socket-write-timeout
    spooler-ordered spooler-quiet start-unsubscribed start_response-nodelay
    static-gzip-all stats-http stats-min stats-minified stats-no-cores
    stats-no-metrics strict subscription-dotsplit subscriptions-use-credentials
    symcall-use-next tcp-fast-open-client tcp-fastopen-client tcp-nodelay
    threaded-logger thunder-lock ugreen unsubscribe-on-graceful-reload usage
    use-abort vacuum version vhost vhost-host write-errors-exception-only
    wsgi-accept-buffer wsgi-accept-buffers wsgi-disable-file-wrapper wsgi-strict
    zerg-fallback
    """
)

OPTIONAL_VALUE_OPTIONS = names(
    """
    check-cache chmod chmod-socket end-for end-if endfor endif exit
    fastrouter-use-cache fastrouter-use-socket http-enable-proxy-protocol
    http-keepalive http-manage-expect http-use-cache http-use-socket ksm log-date
    log-prefix log-syslog logdate mule mule-msg-size need-app pyshell
    pyshell-oneshot rawrouter-use-cache rawrouter-use-socket snmp
    """
)

VALUE_OPTIONS = names(
    """
    add-cache-item add-gid add-header after-request-call after-request-hook alarm
    alarm-backlog alarm-cheap alarm-fd alarm-freq alarm-listen-queue alarm-log
    alarm-lq alarm-metric alarm-msg-size alarm-segfault allowed-modifiers async
    attach-control-daemon attach-daemon attach-daemon2 auto-weight backlog-alarm
    backtrace-depth binary-append-data binary-path binsh blacklist body-read-warning
    brutal-reload-on-fd buffer-size build-plugin cache cache-blocksize
    cache-expire-freq cache-store cache-store-sync cache-sync cache-udp-node
    cache-udp-server cache2 call-as-emperor call-as-emperor1 call-as-emperor2
    call-as-emperor4 call-as-root call-as-user call-as-user-atexit call-as-vassal
    call-as-vassal1 call-as-vassal3 call-asap call-in-jail call-post-app
    call-post-jail call-pre-app call-pre-jail callable carbon carbon-freq
    carbon-hostname-dots carbon-id carbon-idle-avg carbon-max-retry
    carbon-retry-delay carbon-root carbon-timeout cgroup cgroup-dir-mode cgroup-opt
    chdir chdir2 cheaper cheaper-algo cheaper-busyness-backlog-alert
    cheaper-busyness-backlog-multiplier cheaper-busyness-backlog-nonzero
    cheaper-busyness-backlog-step cheaper-busyness-max cheaper-busyness-min
    cheaper-busyness-multiplier cheaper-busyness-penalty cheaper-initial
    cheaper-overload cheaper-rss-limit-hard cheaper-rss-limit-soft cheaper-step
    check-interval check-mount check-mountpoint check-static chown-socket chroot
    chunked-input-limit chunked-input-timeout clock collect-header config
    connect-and-read cpu-affinity cron cron-harakiri cron2 daemonize daemonize2
    declare-option declare-option2 del-header dlopen early-envdir emperor
    emperor-broodlord emperor-curse-tolerance emperor-extra-ext
    emperor-extra-extension emperor-freq emperor-max-throttle emperor-on-demand-dir
    emperor-on-demand-directory emperor-on-demand-exec emperor-on-demand-ext
    emperor-on-demand-extension emperor-pidfile emperor-procname
    emperor-proxy-socket emperor-required-heartbeat emperor-stats
    emperor-stats-server emperor-throttle emperor-use-clone emperor-wrapper
    emperor-wrapper-fallback emperor-wrapper-override env envdir error-page-403
    error-page-404 error-page-500 error-route error-route-host error-route-if
    error-route-if-not error-route-label error-route-qs error-route-referer
    error-route-remote-addr error-route-remote-user error-route-run
    error-route-status error-route-uri error-route-user-agent eval evil-reload-on-as
    evil-reload-on-rss exception-handler exec-as-emperor exec-as-root exec-as-user
    exec-as-user-atexit exec-as-vassal exec-asap exec-in-jail exec-post-app
    exec-post-jail exec-pre-app exec-pre-jail extract fallback-config farm
    fastcgi-modifier1 fastcgi-modifier2 fastcgi-nph-socket fastcgi-socket fastrouter
    fastrouter-buffer-size fastrouter-events fastrouter-fallback fastrouter-gid
    fastrouter-gracetime fastrouter-harakiri fastrouter-post-buffering
    fastrouter-post-buffering-dir fastrouter-processes fastrouter-quiet
    fastrouter-resubscribe fastrouter-resubscribe-bind fastrouter-ss
    fastrouter-stats fastrouter-stats-server fastrouter-subscription-fallback-key
    fastrouter-subscription-server fastrouter-subscription-slot fastrouter-timeout
    fastrouter-to fastrouter-uid fastrouter-use-base fastrouter-use-code-string
    fastrouter-use-pattern fastrouter-workers fastrouter-zerg fd-safe file
    file-serve-mode file-write fileserve-mode final-route final-route-host
    final-route-if final-route-if-not final-route-label final-route-qs
    final-route-referer final-route-remote-addr final-route-remote-user
    final-route-run final-route-status final-route-uri final-route-user-agent flock
    flock-wait flock-wait2 flock2 for for-glob for-readline for-times force-cwd
    forkbomb-delay fs-brutal-reload fs-reload fs-signal ftok get gevent gid harakiri
    harakiri-graceful-signal harakiri-graceful-timeout harakiri-queue-threshold
    heartbeat home hook-accepting hook-accepting-once hook-accepting1
    hook-accepting1-once hook-as-emperor hook-as-gateway hook-as-mule hook-as-root
    hook-as-user hook-as-user-atexit hook-as-vassal hook-asap hook-emperor-lost
    hook-emperor-reload hook-emperor-start hook-emperor-stop hook-in-jail
    hook-master-start hook-post-app hook-post-fork hook-post-jail hook-pre-app
    hook-pre-jail hook-touch http http-buffer-size http-connect-timeout http-events
    http-fallback http-gid http-gracetime http-harakiri http-headers-timeout
    http-modifier1 http-modifier2 http-processes http-quiet http-resubscribe
    http-server-name-as-http-host http-socket http-socket-modifier1
    http-socket-modifier2 http-ss http-stats http-stats-server http-stud-prefix
    http-subscription-fallback-key http-subscription-server http-timeout http-to
    http-uid http-use-base http-use-code-string http-use-pattern http-var
    http-workers http-zerg http11-socket httprouter idle if-dir if-directory if-env
    if-exists if-file if-hostname if-hostname-match if-not-dir if-not-env
    if-not-exists if-not-file if-not-hostname if-not-hostname-match if-not-opt
    if-not-plugin if-opt if-plugin ifdir ifenv ifexists ifplugin immediate-gid
    immediate-uid import include inherit ini ini-paste ini-paste-logged inject-after
    inject-before iprint js json limit-as limit-nproc limit-post listen
    listen-queue-alarm load-file-in-cache load-file-in-cache-gzip lock-engine locks
    log-alarm log-backupname log-big log-drain log-encoder log-filter log-format
    log-ioerror log-master-bufsize log-maxsize log-req-encoder log-req-route
    log-route log-sendfile log-slow log-socket logfile-chmod logformat logger
    logger-req logto logto2 loop lq-alarm map-socket master-fifo max-apps max-fd
    max-requests max-requests-delta max-vars max-worker-lifetime
    max-worker-lifetime-delta mem-collector-freq metric metric-alarm metric-dir
    metric-threshold metrics-dir mime-file mimefile min-worker-lifetime mode module
    mount mount-as-emperor mount-as-root mount-as-vassal mount-asap mount-check
    mount-in-jail mount-post-jail mount-pre-jail mountpoint-check mule-harakiri
    mule-reload-mercy mules multicast multicast-loop multicast-ttl namespace
    namespace-keep-mount namespace-net need-plugin need-plugins not-alarm-log
    not-log-alarm notify-socket ns ns-net offload-thread offload-threads optimize
    paste pause pecan pidfile pidfile2 ping ping-timeout pivot-root pivot_root
    plugin plugin-dir plugins plugins-dir post-buffering post-buffering-bufsize
    post-pymodule-alias pp print print-sym print-symbol prio privileged-binary-patch
    privileged-binary-patch-arg processes procname procname-append procname-master
    procname-prefix procname-prefix-spaced profiler protocol pull-header pump
    puwsgi-socket py py-auto-reload py-auto-reload-ignore py-autoreload
    py-executable py-import py-program-name py-programname py-sharedarea
    py-sys-executable py-tracebacker pyargv pyhome pyimport pymodule-alias pyrun
    python python-auto-reload python-autoreload python-import python-path python-raw
    python-worker-override pythonpath queue queue-blocksize queue-store
    queue-store-sync raw-modifier1 raw-modifier2 raw-socket rawrouter
    rawrouter-buffer-size rawrouter-events rawrouter-fallback rawrouter-gracetime
    rawrouter-harakiri rawrouter-max-retries rawrouter-processes rawrouter-quiet
    rawrouter-ss rawrouter-stats rawrouter-stats-server
    rawrouter-subscription-server rawrouter-subscription-slot rawrouter-timeout
    rawrouter-to rawrouter-use-base rawrouter-use-code-string rawrouter-use-pattern
    rawrouter-workers rawrouter-zerg rbtimer reload reload-mercy reload-on-as
    reload-on-exception-repr reload-on-exception-type reload-on-exception-value
    reload-on-fd reload-on-rss rem-header remap-modifier req-logger resolve
    response-header-collect response-headers-limit response-route
    response-route-host response-route-if response-route-if-not response-route-label
    response-route-qs response-route-referer response-route-remote-addr
    response-route-remote-user response-route-run response-route-status
    response-route-uri response-route-user-agent resume route route-host route-if
    route-if-not route-label route-qs route-referer route-remote-addr
    route-remote-user route-run route-uri route-user-agent rpc-max rrdtool
    rrdtool-freq rrdtool-lib rsyslog-packet-size safe-fd safe-pidfile safe-pidfile2
    scgi-modifier1 scgi-modifier2 scgi-nph-socket scgi-socket segfault-alarm set
    set-ph set-placeholder setns setns-skip setns-socket setns-socket-skip
    shared-import shared-py-import shared-pyimport shared-python-import
    shared-socket sharedarea signal signal-bufsize signal-rbtimer signal-timer
    signals-bufsize smart-attach-daemon smart-attach-daemon2 snmp-community socket
    socket-protocol socket-rcvbuf socket-sndbuf socket-timeout spooler spooler-chdir
    spooler-external spooler-freq spooler-frequency spooler-harakiri spooler-import
    spooler-max-tasks spooler-processes spooler-py-import spooler-pyimport
    spooler-python-import st static-cache-paths static-cache-paths-name static-check
    static-expires static-expires-mtime static-expires-path-info
    static-expires-path-info-mtime static-expires-type static-expires-type-mtime
    static-expires-uri static-expires-uri-mtime static-gzip static-gzip-dir
    static-gzip-ext static-gzip-prefix static-gzip-suffix static-index static-map
    static-map2 static-safe static-skip-ext stats stats-push
    stats-pusher-default-freq stats-pushers-default-freq stats-server stop subscribe
    subscribe-freq subscribe-to subscribe-with-modifier1 subscribe2
    subscription-algo subscription-notify-socket subscription-tolerance
    subscriptions-credentials-check suspend symcall symcall-post-fork
    symcall-register-rpc tcp-fast-open tcp-fastopen test thread-stack-size
    thread-stacksize threads threads-stack-size threads-stacksize timer
    touch-chain-reload touch-exec touch-logreopen touch-logrotate touch-mules-reload
    touch-reload touch-signal touch-spoolers-reload touch-workers-reload udp
    ugreen-stacksize uid umask umount-as-emperor umount-as-root umount-as-vassal
    umount-asap umount-in-jail umount-post-jail umount-pre-jail
    undeferred-shared-socket unenv unique-cron unprivileged-binary-patch
    unprivileged-binary-patch-arg unshare unshare2 upload-progress uwsgi-socket
    vassal-set vassal-sos vassal-sos-backlog vassals-include vassals-include-before
    vassals-inherit vassals-inherit-before vassals-set vassals-start-hook
    vassals-stop-hook venv virtualenv wait-for-dir wait-for-file wait-for-fs
    wait-for-fs-timeout wait-for-iface wait-for-iface-timeout wait-for-interface
    wait-for-interface-timeout wait-for-mountpoint wait-for-socket
    wait-for-socket-timeout wait-iface wait-iface-timeout wait-interface
    wait-interface-timeout web3 websocket-max-size websocket-ping-freq
    websocket-pong-tolerance websockets-max-size websockets-ping-freq
    websockets-pong-tolerance weight whitelist worker-exec worker-exec2 worker-mount
    worker-reload-mercy workers write-errors-tolerance wsgi wsgi-env-behavior
    wsgi-env-behaviour wsgi-file wsgi-lite xml xmlconfig yaml yml zerg zerg-pool
    zerg-server zergpool
    """
)

SHORT = pairs(
    """
    A=sharedarea C=chmod-socket H=home J=test L=disable-logging M=master O=optimize
    Q=spooler R=max-requests S=set T=enable-threads a=abstract-socket b=buffer-size
    c=cgi-mode d=daemonize i=single-interpreter j=json l=listen m=memory-report
    p=processes r=reaper s=socket t=harakiri v=max-vars w=module x=xmlconfig y=yaml
    z=socket-timeout
    """
)
# Letters that two long names share, with the same meaning:
#   -C: chmod-socket, chmod
#   -H: home, virtualenv, venv, pyhome
#   -h: help, usage
#   -j: json, js
#   -p: processes, workers
#   -s: socket, uwsgi-socket
#   -w: module, wsgi
#   -x: xmlconfig, xml
#   -y: yaml, yml

#: Names spelled with an underscore.
UNDERSCORE_NAMES = frozenset({"pivot_root", "start_response-nodelay"})
