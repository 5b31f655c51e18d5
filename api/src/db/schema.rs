//! The diesel schema, one for both backends (kept equal to migrations/sqlite and migrations/postgres).

diesel::table! {
    logos (id) {
        id -> Text,
        content_type -> Text,
        bytes -> Binary,
        etag -> Text,
        width -> Integer,
        height -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    brands (id) {
        id -> Text,
        name -> Text,
        product_name -> Text,
        primary_color -> Text,
        accent_color -> Text,
        background_color -> Text,
        text_color -> Text,
        logo_id -> Nullable<Text>,
        is_default -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    resellers (id) {
        id -> Text,
        name -> Text,
        contact_email -> Text,
        discount_bp -> Integer,
        currency -> Text,
        custom_host -> Nullable<Text>,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        mail_from -> Nullable<Text>,
        requested_host -> Nullable<Text>,
        host_status -> Text,
        host_requested_at -> Nullable<Timestamp>,
        host_rejection_reason -> Nullable<Text>,
        host_checked_host -> Nullable<Text>,
        host_check_result -> Nullable<Text>,
        host_check_addresses -> Nullable<Text>,
        host_checked_at -> Nullable<Timestamp>,
        retention_default_days -> Integer,
    }
}

diesel::table! {
    reseller_brands (reseller_id, brand_id) {
        reseller_id -> Text,
        brand_id -> Text,
        position -> Integer,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        name -> Text,
        role -> Text,
        reseller_id -> Nullable<Text>,
        job_title -> Nullable<Text>,
        password_hash -> Nullable<Text>,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        last_login_at -> Nullable<Timestamp>,
        client_id -> Nullable<Text>,
        pending_email -> Nullable<Text>,
    }
}

diesel::table! {
    clients (id) {
        id -> Text,
        reseller_id -> Text,
        code -> Text,
        name -> Text,
        contact_name -> Text,
        contact_email -> Text,
        phone -> Nullable<Text>,
        address -> Nullable<Text>,
        notes -> Nullable<Text>,
        brand_id -> Text,
        logo_id -> Nullable<Text>,
        credit_balance -> BigInt,
        credit_threshold -> BigInt,
        low_credit_notified -> Bool,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        retention_days -> Nullable<Integer>,
        closes_at -> Nullable<Timestamp>,
        privacy_notice -> Nullable<Text>,
        privacy_contact_email -> Nullable<Text>,
    }
}

diesel::table! {
    client_closures (client_id) {
        client_id -> Text,
        reseller_id -> Text,
        reason -> Text,
        requested_by -> Nullable<Text>,
        requested_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    ledger_entries (id) {
        id -> Text,
        client_id -> Text,
        kind -> Text,
        delta -> BigInt,
        balance_after -> BigInt,
        reference -> Nullable<Text>,
        reason -> Nullable<Text>,
        actor_id -> Nullable<Text>,
        impersonator_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    invoices (id) {
        id -> Text,
        reseller_id -> Text,
        period -> Text,
        currency -> Text,
        status -> Text,
        number -> Nullable<Text>,
        total_minor -> BigInt,
        issued_at -> Nullable<Timestamp>,
        paid_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        kind -> Text,
    }
}

diesel::table! {
    credit_orders (id) {
        id -> Text,
        reseller_id -> Text,
        client_id -> Text,
        kind -> Text,
        credits -> BigInt,
        list_price_minor -> BigInt,
        discount_bp -> Integer,
        amount_minor -> BigInt,
        currency -> Text,
        note -> Nullable<Text>,
        po_reference -> Nullable<Text>,
        invoice_id -> Text,
        actor_id -> Nullable<Text>,
        created_at -> Timestamp,
        credits_returned -> BigInt,
        resale_price_minor -> Nullable<BigInt>,
    }
}

diesel::table! {
    resale_prices (id) {
        id -> Text,
        reseller_id -> Text,
        client_id -> Nullable<Text>,
        unit_price_minor -> Nullable<BigInt>,
        actor_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    credit_returns (id) {
        id -> Text,
        client_id -> Text,
        credit_order_id -> Text,
        credits -> BigInt,
        period -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    invoice_lines (id) {
        id -> Text,
        invoice_id -> Text,
        credit_order_id -> Text,
        client_id -> Text,
        description -> Text,
        credits -> BigInt,
        unit_price_minor -> BigInt,
        discount_bp -> Integer,
        amount_minor -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    counters (name) {
        name -> Text,
        value -> BigInt,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        impersonator_id -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        ip -> Nullable<Text>,
        api_key_id -> Nullable<Text>,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Text,
        owner_id -> Text,
        name -> Text,
        key_id -> Text,
        secret_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        rate_per_minute -> Integer,
        bucket_tokens -> Double,
        bucket_at -> Nullable<Timestamp>,
        request_count -> BigInt,
    }
}

diesel::table! {
    api_key_scopes (api_key_id, scope) {
        api_key_id -> Text,
        scope -> Text,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        session_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    one_time_tokens (id) {
        id -> Text,
        user_id -> Text,
        purpose -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        kind -> Text,
        to_address -> Text,
        reply_to -> Nullable<Text>,
        subject -> Text,
        text_body -> Text,
        html_body -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        from_name -> Nullable<Text>,
        from_address -> Nullable<Text>,
        candidate_id -> Nullable<Text>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        actor_id -> Nullable<Text>,
        impersonator_id -> Nullable<Text>,
        action -> Text,
        object_type -> Text,
        object_id -> Nullable<Text>,
        reseller_id -> Nullable<Text>,
        client_id -> Nullable<Text>,
        ip -> Nullable<Text>,
        details -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    credit_prices (id) {
        id -> Text,
        currency -> Text,
        reseller_id -> Nullable<Text>,
        unit_price_minor -> BigInt,
        valid_from -> Timestamp,
        valid_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    settings (id) {
        id -> Integer,
        currency -> Text,
        default_credit_threshold -> BigInt,
        updated_at -> Timestamp,
        retention_min_days -> Integer,
        retention_max_days -> Integer,
    }
}

diesel::table! {
    app_secrets (name) {
        name -> Text,
        value -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (principal, idempotency_key) {
        principal -> Text,
        idempotency_key -> Text,
        request_hash -> Text,
        response_status -> Integer,
        response_body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tests (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        kind -> Text,
        category -> Text,
        description -> Text,
        instructions -> Text,
        timed -> Bool,
        duration_seconds -> Nullable<Integer>,
        credit_cost -> Integer,
        position -> Integer,
        active -> Bool,
    }
}

diesel::table! {
    questions (id) {
        id -> Text,
        test_id -> Text,
        position -> Integer,
        prompt -> Text,
        correct_option_id -> Nullable<Text>,
        #[sql_name = "trait"]
        trait_ -> Nullable<Text>,
        reverse_keyed -> Bool,
    }
}

diesel::table! {
    question_options (id) {
        id -> Text,
        question_id -> Text,
        position -> Integer,
        label -> Text,
        value -> Nullable<Integer>,
    }
}

diesel::table! {
    norm_groups (id) {
        id -> Text,
        test_id -> Text,
        name -> Text,
        position -> Integer,
    }
}

diesel::table! {
    norms (norm_group_id, scale) {
        norm_group_id -> Text,
        scale -> Text,
        mean -> Double,
        sd -> Double,
    }
}

diesel::table! {
    projects (id) {
        id -> Text,
        client_id -> Text,
        name -> Text,
        description -> Nullable<Text>,
        access_key -> Nullable<Text>,
        access_key_enabled -> Bool,
        expires_at -> Nullable<Timestamp>,
        support_name -> Nullable<Text>,
        support_email -> Nullable<Text>,
        report_email -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        self_registration_daily_cap -> Integer,
        reminder_after_days -> Nullable<Integer>,
        reminder_max -> Integer,
    }
}

diesel::table! {
    session_epoch (id) {
        id -> Integer,
        epoch -> BigInt,
    }
}

diesel::table! {
    rate_buckets (bucket) {
        bucket -> Text,
        window_started_at -> Timestamp,
        hits -> Integer,
    }
}

diesel::table! {
    project_tests (project_id, test_id) {
        project_id -> Text,
        test_id -> Text,
        norm_group_id -> Text,
        position -> Integer,
    }
}

diesel::table! {
    candidates (id) {
        id -> Text,
        client_id -> Text,
        first_name -> Text,
        last_name -> Text,
        email -> Text,
        phone -> Nullable<Text>,
        extra_time_percent -> Integer,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        reseller_id -> Text,
        last_activity_at -> Nullable<Timestamp>,
        anonymised_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    invitations (id) {
        id -> Text,
        candidate_id -> Text,
        project_id -> Text,
        client_id -> Text,
        token_hash -> Nullable<Text>,
        status -> Text,
        credits_charged -> Integer,
        expires_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        mailed_at -> Nullable<Timestamp>,
        reminders_sent -> Integer,
        consented_at -> Nullable<Timestamp>,
        consent_notice_hash -> Nullable<Text>,
    }
}

diesel::table! {
    invitation_reminders (invitation_id, number) {
        invitation_id -> Text,
        number -> Integer,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    mail_texts (reseller_id, brand_id, kind) {
        reseller_id -> Text,
        brand_id -> Text,
        kind -> Text,
        subject -> Text,
        body -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    project_invitation_texts (project_id) {
        project_id -> Text,
        subject -> Text,
        body -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    assessments (id) {
        id -> Text,
        invitation_id -> Text,
        test_id -> Text,
        norm_group_id -> Text,
        position -> Integer,
        status -> Text,
        started_at -> Nullable<Timestamp>,
        deadline_at -> Nullable<Timestamp>,
        submitted_at -> Nullable<Timestamp>,
        raw_score -> Nullable<Double>,
        percentile -> Nullable<Integer>,
        sten -> Nullable<Integer>,
        t_score -> Nullable<Double>,
        trait_scores -> Nullable<Text>,
        credit_cost -> Integer,
    }
}

diesel::table! {
    answers (assessment_id, question_id) {
        assessment_id -> Text,
        question_id -> Text,
        option_id -> Text,
        answered_at -> Timestamp,
    }
}

diesel::table! {
    candidate_sessions (id) {
        id -> Text,
        candidate_id -> Text,
        invitation_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Text,
        reseller_id -> Nullable<Text>,
        client_id -> Nullable<Text>,
        url -> Text,
        secret -> Text,
        events -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        webhook_id -> Text,
        event -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        response_status -> Nullable<Integer>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        last_attempt_at -> Nullable<Timestamp>,
        redelivery_of -> Nullable<Text>,
    }
}

diesel::table! {
    usage_days (client_id, day) {
        client_id -> Text,
        day -> Text,
        reseller_id -> Text,
        added -> BigInt,
        used -> BigInt,
        refunded -> BigInt,
        adjusted -> BigInt,
    }
}

diesel::table! {
    funnel_months (client_id, project_id, test_id, month) {
        client_id -> Text,
        project_id -> Text,
        test_id -> Text,
        month -> Text,
        invited -> Integer,
        started -> Integer,
        completed -> Integer,
        done_1h -> Integer,
        done_1d -> Integer,
        done_2d -> Integer,
        done_3d -> Integer,
        done_7d -> Integer,
        done_14d -> Integer,
        done_30d -> Integer,
        done_later -> Integer,
    }
}

diesel::table! {
    sten_counts (client_id, test_id, sten) {
        client_id -> Text,
        test_id -> Text,
        sten -> Integer,
        candidates -> Integer,
    }
}

diesel::table! {
    ats_connectors (id) {
        id -> Text,
        client_id -> Text,
        kind -> Text,
        credential_hash -> Text,
        callback_token -> Nullable<Text>,
        enabled -> Bool,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    ats_links (id) {
        id -> Text,
        connector_id -> Text,
        external_id -> Text,
        invitation_id -> Text,
        callback_url -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    ats_callbacks (id) {
        id -> Text,
        link_id -> Text,
        method -> Text,
        url -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        response_status -> Nullable<Integer>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(brands -> logos (logo_id));
diesel::joinable!(credit_prices -> resellers (reseller_id));
diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::joinable!(reseller_brands -> brands (brand_id));
diesel::joinable!(reseller_brands -> resellers (reseller_id));
diesel::joinable!(users -> resellers (reseller_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(one_time_tokens -> users (user_id));
diesel::joinable!(clients -> resellers (reseller_id));
diesel::joinable!(client_closures -> clients (client_id));
diesel::joinable!(clients -> brands (brand_id));
diesel::joinable!(users -> clients (client_id));
diesel::joinable!(ledger_entries -> clients (client_id));
diesel::joinable!(invoices -> resellers (reseller_id));
diesel::joinable!(credit_orders -> clients (client_id));
diesel::joinable!(credit_orders -> invoices (invoice_id));
diesel::joinable!(credit_returns -> credit_orders (credit_order_id));
diesel::joinable!(invoice_lines -> invoices (invoice_id));
diesel::joinable!(invoice_lines -> clients (client_id));
diesel::joinable!(questions -> tests (test_id));
diesel::joinable!(question_options -> questions (question_id));
diesel::joinable!(norm_groups -> tests (test_id));
diesel::joinable!(norms -> norm_groups (norm_group_id));
diesel::joinable!(projects -> clients (client_id));
diesel::joinable!(project_tests -> projects (project_id));
diesel::joinable!(project_tests -> tests (test_id));
diesel::joinable!(project_tests -> norm_groups (norm_group_id));
diesel::joinable!(candidates -> clients (client_id));
diesel::joinable!(invitations -> candidates (candidate_id));
diesel::joinable!(invitations -> projects (project_id));
diesel::joinable!(assessments -> invitations (invitation_id));
diesel::joinable!(invitation_reminders -> invitations (invitation_id));
diesel::joinable!(mail_texts -> resellers (reseller_id));
diesel::joinable!(mail_texts -> brands (brand_id));
diesel::joinable!(project_invitation_texts -> projects (project_id));
diesel::joinable!(assessments -> tests (test_id));
diesel::joinable!(assessments -> norm_groups (norm_group_id));
diesel::joinable!(answers -> assessments (assessment_id));
diesel::joinable!(answers -> questions (question_id));
diesel::joinable!(answers -> question_options (option_id));
diesel::joinable!(candidate_sessions -> candidates (candidate_id));
diesel::joinable!(api_keys -> users (owner_id));
diesel::joinable!(api_key_scopes -> api_keys (api_key_id));
diesel::joinable!(usage_days -> clients (client_id));
diesel::joinable!(funnel_months -> tests (test_id));
diesel::joinable!(sten_counts -> tests (test_id));
diesel::joinable!(ats_connectors -> clients (client_id));
diesel::joinable!(ats_links -> ats_connectors (connector_id));
diesel::joinable!(ats_links -> invitations (invitation_id));
diesel::joinable!(ats_callbacks -> ats_links (link_id));

diesel::allow_tables_to_appear_in_same_query!(
    client_closures,
    ats_connectors,
    ats_links,
    ats_callbacks,
    rate_buckets,
    session_epoch,
    logos,
    brands,
    resellers,
    reseller_brands,
    users,
    sessions,
    refresh_tokens,
    one_time_tokens,
    outbox,
    audit_events,
    settings,
    credit_prices,
    app_secrets,
    idempotency_keys,
    clients,
    ledger_entries,
    invoices,
    credit_orders,
    resale_prices,
    credit_returns,
    invoice_lines,
    counters,
    tests,
    questions,
    question_options,
    norm_groups,
    norms,
    projects,
    project_tests,
    candidates,
    invitations,
    invitation_reminders,
    mail_texts,
    project_invitation_texts,
    assessments,
    answers,
    candidate_sessions,
    api_keys,
    api_key_scopes,
    webhooks,
    webhook_deliveries,
    usage_days,
    funnel_months,
    sten_counts,
);
