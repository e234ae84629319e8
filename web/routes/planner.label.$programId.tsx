/** A printable shipping label for one welcome package (print from the browser; A6 or a label sheet). */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { rolesAccess } from "../../server/access/access";
import { shippingLabel } from "../../server/services/journey/postal-address";
import { actorOf, answering } from "../components/journey.server";

export const handle = { access: rolesAccess("planner") };
export const meta: MetaFunction = () => [{ title: "Shipping label · Facial palsy rehabilitation" }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  return answering(() => shippingLabel(context.services, actorOf(context), params.programId ?? ""));
}

export default function ShippingLabel() {
  const { patientName, lines } = useLoaderData<typeof loader>();
  return (
    <div className="journey-page">
      <h1 className="no-print">Shipping label for {patientName}</h1>
      {lines ? (
        <div className="shipping-label" data-testid="shipping-label">
          {lines.map((line, i) => (
            <div key={i}>{line}</div>
          ))}
        </div>
      ) : (
        <p>{patientName} has not given a postal address yet.</p>
      )}
      <p className="no-print">
        Use your browser's Print command. <Link to="/planner">Back to planning</Link>
      </p>
    </div>
  );
}
