//! `/client/quick-start`: the Quick Start Guide resellers point new clients to; the reseller
//! portal shows the same guide as a preview at `/reseller/quick-start`.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::layout::ClientAccount;
use crate::components::widgets::TableScroll;

/// A link into the client portal; in the reseller's preview, the words only (the reseller
/// cannot open the client's pages).
fn portal_link(preview: bool, href: &'static str, label: &'static str) -> AnyView {
    if preview {
        view! { <strong>{label}</strong> }.into_any()
    } else {
        view! { <A href=href>{label}</A> }.into_any()
    }
}

/// The client portal's guide.
#[component]
pub fn QuickStart() -> impl IntoView {
    view! { <QuickStartGuide preview=false /> }
}

/// The reseller's preview: what its client users read, and how to send it to them.
#[component]
pub fn QuickStartPreview() -> impl IntoView {
    view! { <QuickStartGuide preview=true /> }
}

#[component]
fn QuickStartGuide(
    /// The reseller's preview (no client account, links shown as words).
    #[prop(optional)]
    preview: bool,
) -> impl IntoView {
    let account = use_context::<ClientAccount>();
    let balance = move || {
        account
            .and_then(|a| a.client.get())
            .and_then(|r| r.ok())
            .map(|c| c.credit_balance)
    };
    view! {
        <article class="page guide" data-testid="quick-start">
            <header class="page-header">
                <h1>"Quick Start Guide"</h1>
            </header>
            {preview.then(|| view! {
                <p class="note" role="note" data-testid="quick-start-preview">
                    "This is the guide your client users see in their portal (menu: Quick Start Guide). "
                    "To email it to someone, open " <A href="/reseller/client-users">"Client Users"</A>
                    " and choose " <strong>"Send the Quick Start Guide"</strong> " on their row."
                </p>
            })}
            <p class="lead">
                "This guide takes you from an empty account to your first results in four steps. "
                "It takes about ten minutes to read, and you can come back to it at any time from the menu."
            </p>
            <nav class="guide-toc" aria-label="In this guide">
                <ol>
                    <li><a href="#step-project">"Create a project"</a></li>
                    <li><a href="#step-invite">"Invite candidates"</a></li>
                    <li><a href="#step-results">"Follow progress and read results"</a></li>
                    <li><a href="#step-credits">"Credits"</a></li>
                </ol>
            </nav>

            <section class="card stack" aria-labelledby="step-project">
                <h2 id="step-project">"1. Create a project"</h2>
                <p>
                    "A project is one assessment campaign, typically one vacancy or one intake (for example "
                    "“Graduate analysts 2026”). Everything candidates do happens inside a project. Open "
                    {portal_link(preview, "/client/projects", "Projects")} " and choose " <strong>"Create project"</strong>
                    ", fill in the form and save it with " <strong>"Create project"</strong> "."
                </p>
                <ul>
                    <li>
                        <strong>"Name and description. "</strong>
                        "Candidates see both, so write them for the candidate: what the role is and what to expect."
                    </li>
                    <li>
                        <strong>"Tests. "</strong>
                        "Pick one or more. Aptitude tests (numerical, verbal, and inductive or logical reasoning) are "
                        "timed and multiple choice; the personality questionnaire is untimed and asks how much "
                        "candidates agree with statements. Choose tests that match what the job really demands: "
                        "two or three well-chosen tests say more than five loosely related ones."
                    </li>
                    <li>
                        <strong>"Norm group for each test. "</strong>
                        "The group a candidate's score is compared with, such as General population, Graduates or "
                        "Managers. Pick the group closest to the people who will apply: a graduate compared with "
                        "managers will look weaker than they are, and the other way round."
                    </li>
                    <li>
                        <strong>"Access key (optional). "</strong>
                        "Turn it on if candidates should be able to register themselves (see step 2). Anyone with "
                        "the key can register, so share it only where you mean to."
                    </li>
                    <li>
                        <strong>"Expiry date (optional). "</strong>
                        "After this date the project locks: no new candidates can be added and nobody can start a "
                        "test. Leave it empty for a project that stays open."
                    </li>
                    <li>
                        <strong>"Support name and email. "</strong>
                        "Candidates' replies to invitation emails go here, so use a mailbox someone reads."
                    </li>
                </ul>
            </section>

            <section class="card stack" aria-labelledby="step-invite">
                <h2 id="step-invite">"2. Invite candidates"</h2>
                <p>
                    "There are three ways to bring candidates into a project; you can mix them. All three start "
                    "from the project's page (open it from " {portal_link(preview, "/client/projects", "Projects")} ")."
                </p>
                <ol>
                    <li>
                        <strong>"Email invitation. "</strong>
                        "Choose " <strong>"Invite candidate"</strong> ", enter their first name, last name and email (phone "
                        "is optional) and choose " <strong>"Send invitation"</strong> ". They "
                        "receive an email with a personal, one-time link that takes them straight to their tests; "
                        "no password needed. If someone needs extra time as a reasonable adjustment, set it here "
                        "(25 %, or any value from 1 to 100 %). Extra time is fixed once the candidate starts a test."
                    </li>
                    <li>
                        <strong>"CSV import. "</strong>
                        "For many candidates at once, choose " <strong>"Import CSV"</strong> " and upload a file with the columns "
                        <code>"first_name, last_name, email"</code>
                        " (and optionally " <code>"phone"</code> " and " <code>"extra_time_percent"</code> "). "
                        "Every row is reported back: invited, or the reason it was not (for example an invalid email)."
                    </li>
                    <li>
                        <strong>"Self-registration link. "</strong>
                        "Turn on the access key in the project's settings (" <strong>"Edit settings"</strong> "), then share the "
                        "registration link and the key from the project's " <strong>"Self-registration"</strong> " section, for example "
                        "in a job advert or an assessment-day email. Candidates enter their own name and email and "
                        "start straight away."
                    </li>
                </ol>
                <p>
                    "A candidate who is already in your account can be invited to another project without "
                    "typing their details again."
                </p>
            </section>

            <section class="card stack" aria-labelledby="step-results">
                <h2 id="step-results">"3. Follow progress and read results"</h2>
                <p>
                    "Each invitation moves through " <strong>"invited"</strong> " → " <strong>"in progress"</strong>
                    " → " <strong>"submitted"</strong> ". You can resend an invitation to someone who lost the email, "
                    "or cancel one that is no longer needed. Candidates who stop halfway can come back through "
                    "their link and carry on where they left off, as long as the test's time allows."
                </p>
                <p>
                    "When a test is submitted it is scored against the norm group you chose. The raw score "
                    "(the number of correct answers) is turned into three standard scores that all say the same "
                    "thing in different ways:"
                </p>
                <TableScroll label="Standard scores">
                    <table class="table">
                        <caption class="sr-only">"The three standard scores"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Score"</th>
                                <th scope="col">"Scale"</th>
                                <th scope="col">"How to read it"</th>
                            </tr>
                        </thead>
                        <tbody>
                            <tr>
                                <th scope="row">"Percentile"</th>
                                <td>"1 to 99"</td>
                                <td>
                                    "The percentage of the norm group who scored lower. The 70th percentile means the "
                                    "candidate did better than 70 out of 100 people in that group; 50 is exactly average."
                                </td>
                            </tr>
                            <tr>
                                <th scope="row">"Sten"</th>
                                <td>"1 to 10"</td>
                                <td>
                                    "A ten-point “standard ten” scale with 5.5 as the average. Stens 4 to 7 cover "
                                    "roughly two people in three; 8 and above is well above average, 3 and below well below."
                                </td>
                            </tr>
                            <tr>
                                <th scope="row">"T-score"</th>
                                <td>"usually 20 to 80"</td>
                                <td>
                                    "Average 50, and every 10 points is one standard deviation. Scores from 40 to 60 "
                                    "are in the average range."
                                </td>
                            </tr>
                        </tbody>
                    </table>
                </TableScroll>
                <p>
                    "The personality questionnaire gives a sten for each trait. There is no good or bad end to a "
                    "trait: read the profile against what the role needs."
                </p>
                <p class="note">
                    "Small differences are not meaningful: a percentile of 55 and one of 60 are, in practice, the same "
                    "result. Use test results next to interviews and other evidence, never as the only reason to "
                    "reject someone."
                </p>
            </section>

            <section class="card stack" aria-labelledby="step-credits">
                <h2 id="step-credits">"4. Credits"</h2>
                <ul>
                    <li>
                        <strong>"One credit per test per candidate. "</strong>
                        "A project with three tests uses three credits for each candidate you invite."
                    </li>
                    <li>
                        <strong>"Charged when you invite. "</strong>
                        "If your balance is too low, the invitation is refused with a clear message and nothing is charged."
                    </li>
                    <li>
                        <strong>"Refunded if never started. "</strong>
                        "If you cancel an invitation, or it expires, the tests the candidate never started are "
                        "credited back automatically."
                    </li>
                    <li>
                        <strong>"Low-credit warning. "</strong>
                        "When your balance falls below your credit threshold, you (and your reseller) get an email, "
                        "so you can top up before a campaign stalls."
                    </li>
                    <li>
                        <strong>"Need more? "</strong>
                        "Contact your reseller: they add credits to your account, usually the same day. Every change "
                        "is listed on the " {portal_link(preview, "/client/credits", "Credits")} " page."
                    </li>
                </ul>
                {move || balance().filter(|_| !preview).map(|b| view! {
                    <p class="muted" data-testid="quick-start-balance">{format!("You have {b} credits right now.")}</p>
                })}
            </section>
        </article>
    }
}
