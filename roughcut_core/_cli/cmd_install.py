"""`roughcut install resolve [--user|--system] [--dry-run]` and `roughcut uninstall resolve`.

Copies the Resolve menu scripts and adapter into Resolve's Scripts folder for this OS and
records how to start the bridge (see ``roughcut_core.install.resolve``); for ``premiere``,
copies the CEP panel into the per-OS CEP extensions folder and enables PlayerDebugMode for
the unsigned panel, or signs a ZXP when ``--certificate`` is given
(``roughcut_core.install.premiere``).
"""
from __future__ import annotations

HOSTS = ("resolve", "premiere")


def register(sub) -> None:
    for name, func, verb in (("install", run_install, "install"), ("uninstall", run_uninstall, "remove")):
        p = sub.add_parser(name, help=f"{verb} the NLE integration (menu scripts + adapter)")
        p.add_argument("host", choices=HOSTS, help="which NLE")
        scope = p.add_mutually_exclusive_group()
        scope.add_argument("--user", dest="scope", action="store_const", const="user",
                           help="for this user only (default)")
        scope.add_argument("--system", dest="scope", action="store_const", const="system",
                           help="for every user (needs administrator rights)")
        p.add_argument("--dry-run", action="store_true", help="print what would change; change nothing")
        p.add_argument("--fusion-dir", default=None, help="Resolve's Fusion folder (default: the standard one)")
        if name == "install":
            p.add_argument("--certificate", help="Premiere: sign a ZXP with this .p12 certificate")
            p.add_argument("--password", default="", help="Premiere: the certificate's password")
        p.set_defaults(func=func, scope="user")


def _plan(args):
    from roughcut_core.install.resolve import plan_resolve_install

    return plan_resolve_install(scope=args.scope, fusion_dir=args.fusion_dir)


def _premiere(args, installing: bool) -> int:
    from roughcut_core.install.premiere import install_premiere, uninstall_premiere

    if installing:
        result = install_premiere(mode=args.scope, dry_run=args.dry_run, certificate=args.certificate,
                                  password=args.password)
    else:
        result = uninstall_premiere(mode=args.scope, dry_run=args.dry_run)
    verb = ("would install to" if args.dry_run else "installed to") if installing else \
        ("would remove" if args.dry_run else ("removed" if result.get("removed") else "nothing to remove at"))
    print(f"{verb} {result['target']}")
    for action in result.get("debug_mode", []):
        print(f"PlayerDebugMode: {action.get('status', 'planned')}: {action.get('describe', action)}")
    if installing and not args.dry_run:
        print("Restart Premiere Pro, then open Window > Extensions > roughcut.")
    return 0


def run_install(args) -> int:
    if args.host == "premiere":
        return _premiere(args, installing=True)
    from roughcut_core.install.resolve import install

    plan = _plan(args)
    paths = install(plan, dry_run=args.dry_run)
    head = "would write" if args.dry_run else "wrote"
    for path in paths:
        print(f"{head} {path}")
    if not args.dry_run:
        print(f"Restart DaVinci Resolve, then use Workspace > Scripts > Generate Rough Cut "
              f"(menu scripts in {plan.menu_dir}).")
    return 0


def run_uninstall(args) -> int:
    if args.host == "premiere":
        return _premiere(args, installing=False)
    from roughcut_core.install.resolve import uninstall

    plan = _plan(args)
    paths = uninstall(plan, dry_run=args.dry_run)
    if not paths:
        print(f"nothing to remove: no roughcut install manifest in {plan.support_dir}")
        return 0
    head = "would remove" if args.dry_run else "removed"
    for path in paths:
        print(f"{head} {path}")
    return 0
