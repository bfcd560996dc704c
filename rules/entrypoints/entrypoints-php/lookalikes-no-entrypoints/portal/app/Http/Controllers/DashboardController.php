<?php

namespace App\Http\Controllers;

use Illuminate\Http\Request;

class DashboardController extends Controller
{
    public function __invoke(Request $request)
    {
        $tab = $request->get('tab', 'overview');
        return view('dashboard', ['tab' => $tab, 'route' => route('dashboard')]);
    }
}
