import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, isRouteErrorResponse, Link, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError, useRouteLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { publicAccess } from "../server/access/access";
import { patientNavigation } from "../server/domain/journey/patient-next-step";
import { myNextStep } from "../server/services/journey";
import { useNonce } from "./components/nonce";
import { useSignedOutElsewhere } from "./components/use-signed-out-elsewhere";
import styles from "./styles/app.css?url";

export const handle = { access: publicAccess };

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Facial palsy rehabilitation" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const user = context.session?.user;
  // The patient's menu follows their next step (consultation before enrolment, session dates after).
  const patientNav =
    user?.role === "patient"
      ? patientNavigation((await myNextStep(context.services, { userId: user.id, role: user.role, sessionId: context.session!.sessionId, ip: context.clientIp })).step.kind)
      : null;
  return {
    user: user ? { name: user.name, role: user.role, timeZone: user.timeZone } : null,
    patientNav,
    appEnv: context.services.env.APP_ENV,
  };
}

const NAV: Record<string, { to: string; label: string }[]> = {
  therapist: [
    { to: "/therapist", label: "My patients" },
    { to: "/therapist/consultations", label: "Outcomes" },
    { to: "/therapist/availability", label: "Working hours" },
    { to: "/techniques", label: "Techniques" },
  ],
  planner: [
    { to: "/planner", label: "Planning" },
    { to: "/therapist/availability", label: "Working hours" },
  ],
  admin: [
    { to: "/admin", label: "Clinic" },
    { to: "/admin/settings", label: "Settings" },
    { to: "/admin/outbox", label: "Outbox" },
    { to: "/admin/audit", label: "Audit trail" },
    { to: "/techniques", label: "Techniques" },
  ],
};

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const data = useRouteLoaderData<typeof loader>("root");
  const user = data?.user;
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <div className="site-header__inner">
            <Link to={user ? `/${user.role}` : "/"} className="brand">
              <img src="/favicon.svg" alt="" width={26} height={26} /> Facial palsy rehabilitation
            </Link>
            <nav className="nav" aria-label="Main">
              {user ? (
                <>
                  {(data?.patientNav ?? NAV[user.role])?.map((item) => (
                    <Link key={item.to} to={item.to}>
                      {item.label}
                    </Link>
                  ))}
                  <Link to="/account">Account</Link>
                  <Form method="post" action="/logout">
                    <button type="submit" className="link-button">
                      Log out
                    </button>
                  </Form>
                </>
              ) : (
                <>
                  <Link to="/login">Log in</Link>
                  <Link to="/register">Register</Link>
                </>
              )}
            </nav>
          </div>
        </header>
        <main id="main">{children}</main>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  useSignedOutElsewhere();
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error)) {
    const forbidden = error.status === 403;
    return (
      <div className="card narrow">
        <h1>{forbidden ? "You do not have access to this page" : error.status === 404 ? "Page not found" : "Something went wrong"}</h1>
        <p>{forbidden ? "This page belongs to another role or another person's record." : typeof error.data === "string" ? error.data : error.statusText}</p>
        <p>
          <Link to="/">Go to the start page</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="card narrow">
      <h1>Something went wrong</h1>
      <p>Please reload the page. If it happens again, contact the clinic.</p>
    </div>
  );
}
