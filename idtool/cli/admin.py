"""Commands: init, officer ..., audit verify."""

from __future__ import annotations

import argparse
import os

from idtool import audit, audit_anchor, officers, permissions, policy, policy_options
from idtool.cli import common
from idtool.errors import CorruptDatabase, InvalidInput
from idtool.i18n import _


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("init", help=_("create the database and its first officer"))
    p.add_argument("--officer", dest="init_officer", required=True, metavar="NAME")
    p.add_argument("--role", required=True, choices=[r.value for r in policy.Role])
    p.add_argument(
        "--organisation",
        metavar="ORG_ID",
        default="",
        help=_(
            "the organisation this computer works for, by its id in the NRM "
            "directory (see 'idtool directory list')"
        ),
    )
    p.set_defaults(func=cmd_init)

    officer = sub.add_parser("officer", help=_("manage officers"))
    osub = officer.add_subparsers(dest="officer_command", required=True)
    p = osub.add_parser("add", help=_("add an officer (supervisor)"))
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=[r.value for r in policy.Role])
    p.set_defaults(func=cmd_officer_add)
    p = osub.add_parser("list", help=_("list officers (supervisor)"))
    p.set_defaults(func=cmd_officer_list)
    p = osub.add_parser("passwd", help=_("change your own passphrase"))
    p.set_defaults(func=cmd_officer_passwd)
    p = osub.add_parser("remove", help=_("remove an officer and re-key the database"))
    p.add_argument("name")
    p.set_defaults(func=cmd_officer_remove)
    p = osub.add_parser(
        "recovery-code", help=_("replace the recovery code and re-key the database (supervisor)")
    )
    p.set_defaults(func=cmd_officer_recovery_code)
    p = osub.add_parser("reset", help=_("set a new passphrase with the recovery code"))
    p.add_argument("name")
    p.set_defaults(func=cmd_officer_reset)

    aud = sub.add_parser("audit", help=_("the audit log"))
    asub = aud.add_subparsers(dest="audit_command", required=True)
    p = asub.add_parser("verify", help=_("check the hash chain of the audit log"))
    p.set_defaults(func=cmd_audit_verify)
    register_policy(sub)


def cmd_init(args: argparse.Namespace) -> int:
    vault = common.vault(args)
    pw = common.passphrase_for_new_database(args)
    session, code = vault.create(args.init_officer, args.role, pw, args.organisation)
    session.close()
    print(_("Database created in {folder}.").format(folder=vault.folder))
    print(_("Recovery code (shown only now; write it down and keep it locked away):"))
    print(f"    {code}")
    return 0


def cmd_officer_add(args: argparse.Namespace) -> int:
    with common.unlock(args) as session:
        session.require(policy.Action.MANAGE_OFFICERS)
        pw = common.new_passphrase()
        officers.add_officer(session, args.name, args.role, pw)
    print(_("Officer added."))
    return 0


def cmd_officer_list(args: argparse.Namespace) -> int:
    with common.unlock(args) as session:
        for row in officers.list_officers(session):
            print(f"{row.name}\t{row.role}\t{policy.role_label(row.role)}")
    return 0


def cmd_officer_passwd(args: argparse.Namespace) -> int:
    with common.unlock(args) as session:
        old = common.passphrase(args)
        officers.change_passphrase(session, old, common.new_passphrase())
    print(_("Passphrase changed."))
    return 0


def cmd_officer_remove(args: argparse.Namespace) -> int:
    with common.unlock(args) as session:
        code = officers.remove_officer(session, args.name)
    print(_("Officer removed; the database was re-keyed."))
    _print_recovery_code(code)
    return 0


def cmd_officer_recovery_code(args: argparse.Namespace) -> int:
    with common.unlock(args) as session:
        code = officers.renew_recovery_code(session)
    print(_("The recovery code was replaced; the database was re-keyed."))
    _print_recovery_code(code)
    return 0


def _print_recovery_code(code: str) -> None:
    print(
        _(
            "New recovery code (shown only now; the old one no longer opens anything; write "
            "it down and keep it locked away):"
        )
    )
    print(f"    {code}")


def cmd_officer_reset(args: argparse.Namespace) -> int:
    vault = common.vault(args)
    code = os.environ.get("IDTOOL_RECOVERY_CODE")
    if code is None:
        code = common.prompt_secret(_("Recovery code: "), "IDTOOL_RECOVERY_CODE")
    vault.reset_passphrase(code, args.name, common.new_passphrase())
    print(_("A new passphrase is set for this officer."))
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    """The chain recomputed, against meta.audit_head and the anchor file, and the damage
    recorded at earlier unlocks (which the chain itself no longer shows once it goes on)."""
    with common.unlock(args) as session:
        findings = audit_anchor.status(session)
        count = audit.head(session.conn)[0]
    if not findings:
        print(_("Audit log intact: {count} entries.").format(count=count))
        return 0
    for finding in findings:
        print(_("Audit log damaged: {problem}.").format(problem=audit_anchor.describe(finding)))
    raise CorruptDatabase(_("The audit log does not verify."))


def register_policy(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pol = sub.add_parser("policy", help=_("what each role may do"))
    psub = pol.add_subparsers(dest="policy_command", required=True)
    p = psub.add_parser("show", help=_("show the role policy table"))
    p.set_defaults(func=cmd_policy_show)
    p = psub.add_parser("set", help=_("allow or deny an action to a role (supervisor)"))
    p.add_argument("action", choices=[a.value for a in policy.Action])
    p.add_argument("role", choices=[r.value for r in policy.Role])
    p.add_argument("decision", choices=["allow", "deny"])
    p.set_defaults(func=cmd_policy_set)
    p = psub.add_parser(
        "option",
        help=_(
            "show or set who may issue certificates and how "
            "(supervisor, on a device not enrolled with a "
            "coordinator)"
        ),
    )
    p.add_argument("key", nargs="?", choices=list(policy_options.KEYS))
    p.add_argument(
        "value",
        nargs="?",
        help=_(
            "four_eyes: auto, on or off; issuing_types: recipient types, separated by commas; "
            "legal_acts: ACT,YYYY-MM-DD,NUMBER for one act of the certificate's legal basis "
            "(date or number may be left empty); cj_articles: ID,NUMBER for one article of "
            "the criminal-justice link"
        ),
    )
    p.set_defaults(func=cmd_policy_option)


def cmd_policy_show(args: argparse.Namespace) -> int:
    with common.unlock(args) as session:
        table = policy.table(session.conn)
    roles = list(policy.Role)
    print("\t".join(["action", *[r.value for r in roles]]))
    for action in policy.Action:
        marks = ["yes" if r in table[action] else "no" for r in roles]
        print("\t".join([action.value, *marks]))
    return 0


def cmd_policy_option(args: argparse.Namespace) -> int:
    from idtool.certificate import issuing_org  # loaded when the command runs (start-up time)

    with common.unlock(args) as session:
        if args.key is not None:
            if args.value is None:
                raise InvalidInput(_("Give the new value as well."))
            value: object = args.value
            if args.key == "issuing_types":
                value = [t.strip() for t in args.value.split(",") if t.strip()]
            elif args.key == "legal_acts":
                value = _legal_act(policy_options.get(session.conn), args.value)
            elif args.key == "cj_articles":
                value = _article_number(policy_options.get(session.conn), args.value)
            changed = issuing_org.set_option(session, args.key, value)
            print(_("Policy changed.") if changed else _("Nothing to change."))
        options = policy_options.get(session.conn)
    print(f"four_eyes\t{options.four_eyes}")
    print(f"issuing_types\t{','.join(options.issuing_types)}")
    for act in options.legal_acts:
        print(f"legal_acts\t{act.act},{act.date},{act.number}")
    for article, number in options.cj_articles:
        print(f"cj_articles\t{article},{number}")
    return 0


def _article_number(options: policy_options.Options, text: str) -> dict[str, str]:
    """The option's value with one article's number set from "ID,NUMBER"."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2 or not parts[1]:
        raise InvalidInput(_("Give one article as ID,NUMBER (see idtool case articles)."))
    return {**options.article_numbers(), parts[0]: parts[1]}


def _legal_act(options: policy_options.Options, text: str) -> dict[str, dict[str, str]]:
    """The option's value with one act's date and number set from "ACT,YYYY-MM-DD,NUMBER"."""
    from idtool import legal_acts  # loaded when the command runs (start-up time)

    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 3:
        raise InvalidInput(
            _("Give one act as ACT,YYYY-MM-DD,NUMBER (the date or the number may be empty).")
        )
    value = legal_acts.stored_form(options.legal_acts)
    value[parts[0]] = {"date": parts[1], "number": parts[2]}
    return value


def cmd_policy_set(args: argparse.Namespace) -> int:
    with common.unlock(args) as session:
        changed = permissions.change(
            session, policy.Action(args.action), policy.Role(args.role), args.decision == "allow"
        )
    print(_("Policy changed.") if changed else _("Nothing to change."))
    return 0
