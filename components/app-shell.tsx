"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { type ReactNode, useEffect, useState } from "react";
import type { WorkspaceSummary } from "@/lib/client/types";
import { canSeePage, navigationFor } from "@/lib/workspaces/console-pages";
import { Brand } from "./brand";
import { RequestLookupProvider } from "./request-id-link";
import { SignOutButton } from "./sign-out-button";
import { cn } from "./ui/cn";
import { Dropdown, dropdownItemClasses } from "./ui/dropdown";

type ShellUser = { name: string; email: string };

/**
 * The signed-in frame: brand, workspace switcher, the current workspace's sections and the account menu.
 * From `md` up everything sits in one bar; on a phone the sections and account links fold into a menu panel.
 */
export function AppShell({
  user,
  workspaces,
  children,
}: {
  user: ShellUser;
  workspaces: WorkspaceSummary[];
  children: ReactNode;
}) {
  const pathname = usePathname();
  const [menuOpen, setMenuOpen] = useState(false);
  const slug = /^\/w\/([^/]+)/.exec(pathname)?.[1];
  const current = workspaces.find((w) => w.slug === slug) ?? null;
  const sections = current ? navigationFor(current.slug, current.roles) : [];
  const isActive = (href: string, exact: boolean) => (exact ? pathname === href : pathname.startsWith(href));

  // biome-ignore lint/correctness/useExhaustiveDependencies: the phone menu closes when the page changes
  useEffect(() => setMenuOpen(false), [pathname]);

  return (
    <div className="flex min-h-screen flex-col">
      <a
        href="#main"
        className="sr-only z-50 rounded-lg bg-white px-3 py-2 text-sm font-medium focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:ring-2 focus:ring-indigo-600"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/95 backdrop-blur">
        <div className="mx-auto flex h-14 max-w-6xl min-w-0 items-center gap-2 px-4 sm:gap-4">
          <Brand compact />
          <span className="text-slate-300" aria-hidden="true">
            /
          </span>
          <WorkspaceSwitcher workspaces={workspaces} current={current} />
          <div className="ml-auto hidden md:block">
            <Dropdown
              align="right"
              buttonLabel={`Account: ${user.name}`}
              label={<Avatar name={user.name} email={user.email} />}
            >
              <AccountLinks user={user} />
            </Dropdown>
          </div>
          <button
            type="button"
            className="ml-auto inline-flex shrink-0 items-center gap-1.5 rounded-lg px-2.5 py-1.5 text-sm font-medium text-slate-700 ring-1 ring-slate-200 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-600 md:hidden"
            aria-expanded={menuOpen}
            aria-controls="mobile-menu"
            onClick={() => setMenuOpen((open) => !open)}
          >
            <svg viewBox="0 0 20 20" className="size-5" fill="currentColor" aria-hidden="true">
              {menuOpen ? (
                <path d="M6.28 5.22a.75.75 0 0 0-1.06 1.06L8.94 10l-3.72 3.72a.75.75 0 1 0 1.06 1.06L10 11.06l3.72 3.72a.75.75 0 1 0 1.06-1.06L11.06 10l3.72-3.72a.75.75 0 0 0-1.06-1.06L10 8.94 6.28 5.22Z" />
              ) : (
                <path d="M2 4.75A.75.75 0 0 1 2.75 4h14.5a.75.75 0 0 1 0 1.5H2.75A.75.75 0 0 1 2 4.75Zm0 5A.75.75 0 0 1 2.75 9h14.5a.75.75 0 0 1 0 1.5H2.75A.75.75 0 0 1 2 9.75Zm0 5a.75.75 0 0 1 .75-.75h14.5a.75.75 0 0 1 0 1.5H2.75a.75.75 0 0 1-.75-.75Z" />
              )}
            </svg>
            Menu
          </button>
        </div>
        {sections.length ? (
          // A row of its own (2.5rem: chat-layout.tsx sizes the chat to the window with it): an admin's ten sections do
          // not fit beside the switcher and the account menu.
          <div className="mx-auto hidden h-10 max-w-6xl px-4 md:block">
            <nav aria-label="Workspace" className="flex h-full min-w-0 items-center gap-0.5 overflow-x-auto">
              {sections.map((section) => (
                <Link
                  key={section.href}
                  href={section.href}
                  aria-current={isActive(section.href, section.exact) ? "page" : undefined}
                  className={cn(
                    "whitespace-nowrap rounded-lg px-2.5 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-600",
                    isActive(section.href, section.exact)
                      ? "bg-slate-100 text-slate-900"
                      : "text-slate-600 hover:bg-slate-50 hover:text-slate-900",
                  )}
                >
                  {section.label}
                </Link>
              ))}
            </nav>
          </div>
        ) : null}
        <div id="mobile-menu" hidden={!menuOpen} className="border-t border-slate-200 bg-white md:hidden">
          <div className="mx-auto max-w-6xl space-y-4 px-4 py-4">
            {sections.length ? (
              <nav aria-label="Workspace sections">
                <p className="px-3 pb-1 text-xs font-semibold tracking-wide text-slate-400 uppercase">
                  {current?.name}
                </p>
                {sections.map((section) => (
                  <Link
                    key={section.href}
                    href={section.href}
                    aria-current={isActive(section.href, section.exact) ? "page" : undefined}
                    className={cn(
                      dropdownItemClasses,
                      "text-base",
                      isActive(section.href, section.exact) && "bg-slate-100 font-medium text-slate-900",
                    )}
                  >
                    {section.label}
                  </Link>
                ))}
              </nav>
            ) : null}
            <div className="border-t border-slate-100 pt-3">
              <AccountLinks user={user} />
            </div>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 sm:py-8">
        <RequestLookupProvider ws={current?.roles.includes("admin") ? current.slug : null}>
          {children}
        </RequestLookupProvider>
      </main>
    </div>
  );
}

function AccountLinks({ user }: { user: ShellUser }) {
  return (
    <>
      <div className="px-3 py-2">
        <p className="truncate text-sm font-medium text-slate-900">{user.name}</p>
        <p className="truncate text-xs text-slate-500">{user.email}</p>
      </div>
      <Link href="/settings/sessions" className={dropdownItemClasses}>
        Sessions &amp; security
      </Link>
      <Link href="/workspaces/new" className={dropdownItemClasses}>
        Create a workspace
      </Link>
      <SignOutButton />
    </>
  );
}

function Avatar({ name, email }: { name: string; email: string }) {
  const letters = (name.trim()[0] ?? email[0] ?? "?").toUpperCase();
  return (
    <span className="inline-flex items-center gap-2">
      <span
        className="flex size-7 items-center justify-center rounded-full bg-indigo-100 text-xs font-semibold text-indigo-700"
        aria-hidden="true"
      >
        {letters}
      </span>
      <span className="max-w-40 truncate">{name}</span>
    </span>
  );
}

function WorkspaceSwitcher({
  workspaces,
  current,
}: {
  workspaces: WorkspaceSummary[];
  current: WorkspaceSummary | null;
}) {
  return (
    <Dropdown
      buttonLabel={current ? `Workspace: ${current.name}. Switch workspace` : "Choose a workspace"}
      buttonClassName="max-w-[52vw] sm:max-w-64"
      label={<span className="truncate">{current?.name ?? "Workspaces"}</span>}
    >
      <p className="px-3 pt-1.5 pb-1 text-xs font-semibold tracking-wide text-slate-400 uppercase">Workspaces</p>
      {workspaces.length === 0 ? (
        <p className="px-3 py-2 text-sm text-slate-500">You are in no workspace yet.</p>
      ) : null}
      {workspaces.map((workspace) => (
        <Link
          key={workspace.slug}
          href={`/w/${workspace.slug}`}
          aria-current={workspace.slug === current?.slug ? "page" : undefined}
          className={dropdownItemClasses}
        >
          <span className="flex size-6 shrink-0 items-center justify-center rounded-md bg-slate-100 text-xs font-semibold text-slate-600">
            {(workspace.name[0] ?? "?").toUpperCase()}
          </span>
          <span className="min-w-0 flex-1 truncate">{workspace.name}</span>
          {workspace.slug === current?.slug ? (
            <svg viewBox="0 0 20 20" className="size-4 text-indigo-600" fill="currentColor" aria-hidden="true">
              <path d="M16.7 5.3a1 1 0 0 1 0 1.4l-8 8a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.4L8 12.6l7.3-7.3a1 1 0 0 1 1.4 0Z" />
            </svg>
          ) : null}
        </Link>
      ))}
      <div className="my-1 border-t border-slate-100" />
      {current && canSeePage(current.roles, "settings") ? (
        <Link href={`/w/${current.slug}/settings`} className={dropdownItemClasses}>
          <svg viewBox="0 0 20 20" className="size-6 p-1 text-slate-400" fill="currentColor" aria-hidden="true">
            <path d="M3 5.75A.75.75 0 0 1 3.75 5h5.5a2.25 2.25 0 0 1 4.5 0h2.5a.75.75 0 0 1 0 1.5h-2.5a2.25 2.25 0 0 1-4.5 0h-5.5A.75.75 0 0 1 3 5.75Zm0 8.5a.75.75 0 0 1 .75-.75h1.5a2.25 2.25 0 0 1 4.5 0h6.5a.75.75 0 0 1 0 1.5h-6.5a2.25 2.25 0 0 1-4.5 0h-1.5a.75.75 0 0 1-.75-.75Z" />
          </svg>
          Workspace settings
        </Link>
      ) : null}
      <Link href="/workspaces/new" className={dropdownItemClasses}>
        <span className="flex size-6 items-center justify-center text-slate-400" aria-hidden="true">
          +
        </span>
        Create a workspace
      </Link>
    </Dropdown>
  );
}
